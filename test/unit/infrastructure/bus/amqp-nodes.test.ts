import { expect } from 'chai';
import { AmqpNodes, nodeLabel, splitAmqpUrls } from '../../../../src/infrastructure/bus/amqp-nodes';

const LIST = 'amqp://u:pw@127.0.0.1:5681,amqp://u:pw@127.0.0.1:5682/v,amqps://u:pw@h3';

describe('AmqpNodes', () => {
  it('splits a comma list and trims its items', () => {
    expect(splitAmqpUrls(' amqp://a , amqp://b,')).to.deep.equal(['amqp://a', 'amqp://b']);
    expect(splitAmqpUrls(['amqp://a', ' amqp://b '])).to.deep.equal(['amqp://a', 'amqp://b']);
  });

  it('starts at the node the random draw picks, so replicas spread over the cluster', () => {
    expect(new AmqpNodes(LIST, () => 0).label).to.equal('127.0.0.1:5681');
    expect(new AmqpNodes(LIST, () => 0.5).label).to.equal('127.0.0.1:5682');
    expect(new AmqpNodes(LIST, () => 0.999999).label).to.equal('h3:5671');
  });

  it('moves on to the next node in turn and wraps around', () => {
    const nodes = new AmqpNodes(LIST, () => 0.5);
    const seen = [nodes.label];
    for (let n = 0; n < 3; n += 1) {
      nodes.advance();
      seen.push(nodes.label);
    }
    expect(seen).to.deep.equal(['127.0.0.1:5682', 'h3:5671', '127.0.0.1:5681', '127.0.0.1:5682']);
  });

  it('stays on the one node of a single URL', () => {
    const nodes = new AmqpNodes('amqp://u:pw@127.0.0.1:5672');
    nodes.advance();
    expect([nodes.count, nodes.url]).to.deep.equal([1, 'amqp://u:pw@127.0.0.1:5672']);
  });

  it('shows endpoints and labels without the password', () => {
    const nodes = new AmqpNodes(LIST, () => 0.5);
    expect(nodes.endpoint).to.equal('127.0.0.1:5682 vhost v');
    expect(nodes.labels).to.deep.equal(['127.0.0.1:5681', '127.0.0.1:5682', 'h3:5671']);
    expect([nodes.endpoint, ...nodes.labels].join(' ')).not.to.include('pw');
    expect(nodeLabel('not a url')).to.equal('(unparseable AMQP URL)');
  });

  it('refuses an empty list', () => {
    expect(() => new AmqpNodes(' , ')).to.throw(/at least one URL/);
  });
});
