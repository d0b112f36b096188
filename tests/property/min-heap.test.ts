import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../lib/min-heap';

interface Item {
  key: number;
}

/** An operation on the heap: push a key, pop, or grow the top's key by some amount (how the simulator steps). */
const operation = fc.oneof(
  fc.record({ push: fc.integer({ min: -1000, max: 1000 }) }),
  fc.constant({ pop: true }),
  fc.record({ grow: fc.integer({ min: 0, max: 500 }) }),
);

describe('MinHeap', () => {
  it('always yields the smallest key, whatever the mix of pushes, pops and grown tops', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 300 }), (operations) => {
        const heap = new MinHeap<Item>((item) => item.key);
        // The reference: the same items in an array, the smallest found by a scan.
        const model: Item[] = [];
        const smallest = () => Math.min(...model.map((item) => item.key));
        for (const op of operations) {
          if ('push' in op) {
            const item = { key: op.push };
            heap.push(item);
            model.push(item);
          } else if ('pop' in op) {
            const top = heap.pop();
            if (model.length === 0) {
              expect(top).toBeUndefined();
              continue;
            }
            expect(top?.key).toBe(smallest());
            model.splice(model.indexOf(top as Item), 1);
          } else {
            const top = heap.peek();
            if (!top) continue;
            top.key += op.grow;
            heap.updateTop();
          }
          expect(heap.size).toBe(model.length);
          if (model.length > 0) expect(heap.peek()?.key).toBe(smallest());
        }
      }),
    );
  });
});
