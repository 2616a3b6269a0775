import { expect } from 'chai';
import { KeyMask } from '../../../../src/infrastructure/rates/key-mask';

const KEY = '73034021-THIS-IS-SAMPLE-KEY';

describe('KeyMask', () => {
  const mask = new KeyMask(KEY);

  it('hides the whole key wherever it appears', () => {
    expect(mask.hide(`key ${KEY} refused; again: ${KEY}.`)).to.equal('key <hidden> refused; again: <hidden>.');
  });

  it('hides any run of 8 or more characters of the key, in any letter case', () => {
    expect(mask.hide(`first half ${KEY.slice(0, 13)} only`)).to.equal('first half <hidden> only');
    expect(mask.hide(`middle ${KEY.slice(9, 17)}!`)).to.equal('middle <hidden>!');
    expect(mask.hide(`cut at the end: ${KEY.slice(0, 10)}`)).to.equal('cut at the end: <hidden>');
    expect(mask.hide(`shouted ${KEY.toLowerCase()}`)).to.equal('shouted <hidden>');
  });

  it('leaves runs of fewer than 8 characters of the key, and other text, as they are', () => {
    expect(mask.hide(`${KEY.slice(0, 7)} and ${KEY.slice(-7)}`)).to.equal(`${KEY.slice(0, 7)} and ${KEY.slice(-7)}`);
    expect(mask.hide('')).to.equal('');
    expect(mask.hide('an error without secrets')).to.equal('an error without secrets');
  });

  it('masks before it cuts: a key that straddles the cut shows none of its characters', () => {
    const text = `${'x'.repeat(16)}${KEY}${'y'.repeat(50)}`;
    expect(mask.shown(text, 20)).to.equal(`${'x'.repeat(16)}<hidden>…`);
    expect(mask.shown(text, 16)).to.equal(`${'x'.repeat(16)}…`);
    expect(mask.shown('short', 20)).to.equal('short');
  });

  it('hides a key shorter than 8 characters only whole', () => {
    const short = new KeyMask('abc123');
    expect(short.hide('id abc123 and abc12')).to.equal('id <hidden> and abc12');
  });

  it('changes nothing with an empty key', () => {
    expect(new KeyMask('').hide('anything at all')).to.equal('anything at all');
  });
});
