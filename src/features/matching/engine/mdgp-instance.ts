/**
 * Parser for MDGPLIB instance text (Gallego, Laguna, Martí, Duarte):
 *   header  `n G ss|ds a_1 b_1 … a_G b_G`
 *   lines   `i j d_ij` for 0-based i < j.
 * Pure: text in, instance out.
 */
import type { GroupingInstance } from './grouping.ts';

export function parseMdgpInstance(text: string): GroupingInstance {
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  let pos = 0;
  const nextNumber = (what: string): number => {
    const token = tokens[pos++];
    const value = token === undefined ? NaN : Number(token);
    if (!Number.isFinite(value)) throw new Error(`MDGP instance: expected ${what} at token ${pos}, found ${token ?? 'end of file'}`);
    return value;
  };
  const n = nextNumber('n');
  const groupCount = nextNumber('the number of groups');
  const kind = tokens[pos++];
  if (kind !== 'ss' && kind !== 'ds') throw new Error(`MDGP instance: expected "ss" or "ds" as third header token, found ${kind}`);
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(groupCount) || groupCount < 1) {
    throw new Error('MDGP instance: n and G must be positive integers');
  }
  const lower = new Int32Array(groupCount);
  const upper = new Int32Array(groupCount);
  for (let k = 0; k < groupCount; k++) {
    lower[k] = nextNumber(`a_${k}`);
    upper[k] = nextNumber(`b_${k}`);
  }
  const distance = new Float64Array(n * n);
  const pairs = (n * (n - 1)) / 2;
  for (let e = 0; e < pairs; e++) {
    const i = nextNumber('i');
    const j = nextNumber('j');
    const dij = nextNumber('d_ij');
    if (i < 0 || j < 0 || i >= n || j >= n || !Number.isInteger(i) || !Number.isInteger(j)) {
      throw new Error(`MDGP instance: element index out of range in pair ${e + 1} (${i}, ${j})`);
    }
    distance[i * n + j] = dij;
    distance[j * n + i] = dij;
  }
  return { n, groupCount, lower, upper, distance };
}
