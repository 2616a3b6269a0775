import { expect } from 'chai';
import { BroadcastMessage } from '../../../../src/application/broadcast-message.use-case';
import { UlidIdGenerator } from '../../../../src/infrastructure/ids/ulid-id-generator';
import { TOKENS } from '../../../../src/tokens';
import { FIXED_NOW } from '../../../fakes/fixed-clock';
import { wireWithFakes } from '../../application/wire-with-fakes';

const expectStrictlyIncreasing = (ids: readonly string[]): void => {
  for (let i = 1; i < ids.length; i += 1) {
    if (!(ids[i - 1]! < ids[i]!)) expect.fail(`id ${i} (${ids[i]}) does not sort after id ${i - 1} (${ids[i - 1]})`);
  }
};

describe('UlidIdGenerator', () => {
  it('makes 26-character Crockford base32 ids', () => {
    expect(new UlidIdGenerator().next(FIXED_NOW)).to.match(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('makes strictly increasing ids for many calls in the same millisecond', () => {
    const ids = new UlidIdGenerator();
    const made = Array.from({ length: 10_000 }, () => ids.next(FIXED_NOW));
    expectStrictlyIncreasing(made);
  });

  it('makes strictly increasing ids across increasing times', () => {
    const ids = new UlidIdGenerator();
    const made = [0, 1, 1, 2, 1000, 1000, 86_400_000].map((dt) => ids.next(FIXED_NOW + dt));
    expectStrictlyIncreasing(made);
  });

  it('keeps increasing when the clock steps back', () => {
    const ids = new UlidIdGenerator();
    const made = [ids.next(FIXED_NOW + 1000), ids.next(FIXED_NOW), ids.next(FIXED_NOW + 500)];
    expectStrictlyIncreasing(made);
  });

  it('sorts an id made at a later time after ids another generator made earlier', () => {
    const a = new UlidIdGenerator();
    const b = new UlidIdGenerator();
    const early = Array.from({ length: 1000 }, () => a.next(FIXED_NOW));
    const later = b.next(FIXED_NOW + 1);
    expect(early.every((id) => id < later)).to.equal(true);
  });

  it('orders the ids of published broadcasts as they were published', async () => {
    const { container, bus, clock } = wireWithFakes();
    container.rebindSync(TOKENS.IdGenerator).toConstantValue(new UlidIdGenerator());
    const broadcast = container.get(BroadcastMessage);
    for (let n = 0; n < 200; n += 1) {
      if (n % 50 === 0) clock.advance(1);
      await broadcast.execute({ message: n });
    }
    const ids = bus.published.map((e) => e.id);
    expectStrictlyIncreasing(ids);
    expect([...ids].sort()).to.deep.equal(ids);
    expect(bus.published.map((e) => (JSON.parse(e.data) as { message: number }).message)).to.deep.equal([
      ...Array(200).keys(),
    ]);
  });
});
