import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { entryOfStartScript, serviceEntry } from '../../support/service-entry';

describe('serviceEntry', () => {
  it('finds the script that a start command runs', () => {
    expect(entryOfStartScript('node dist/interfaces/main.js')).to.equal('dist/interfaces/main.js');
    expect(entryOfStartScript('node dist/main.js')).to.equal('dist/main.js');
    expect(entryOfStartScript('node --enable-source-maps dist/main.js')).to.equal('dist/main.js');
    expect(entryOfStartScript('npm run build && node ./dist/main.cjs')).to.equal('./dist/main.cjs');
  });

  it('finds nothing in a start command that runs no built script', () => {
    expect(entryOfStartScript('tsx src/main.ts')).to.equal(undefined);
    expect(entryOfStartScript('')).to.equal(undefined);
  });

  it('resolves the entry of this package.json under the project root', () => {
    const root = path.resolve(__dirname, '../../..');
    const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } })
      .scripts.start;
    expect(serviceEntry()).to.equal(path.resolve(root, start.replace(/^node\s+/, '')));
  });
});
