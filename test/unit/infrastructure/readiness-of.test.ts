import { expect } from 'chai';
import { readinessOf } from '../../../src/infrastructure/readiness-of';

describe('readinessOf', () => {
  it('is ready when every part is, or when there are none', () => {
    expect(readinessOf([])).to.deep.equal({ ready: true });
    expect(readinessOf([{ ready: true }, { ready: true }])).to.deep.equal({ ready: true });
  });

  it('joins the reasons of every part that is not ready', () => {
    const parts = [
      { ready: false, reason: 'bus down' } as const,
      { ready: true } as const,
      { ready: false, reason: 'no rates' } as const,
    ];
    expect(readinessOf(parts)).to.deep.equal({ ready: false, reason: 'bus down; no rates' });
  });
});
