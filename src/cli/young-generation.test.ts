import { describe, expect, it } from 'vitest';
import { givenMemoryReducer, givenSemiSpace, MIN_SEMI_SPACE_MIB, restartArgv, SEMI_SPACE_MIB } from './young-generation.js';

describe('givenSemiSpace', () => {
  it('finds the flag on the node command line before NODE_OPTIONS', () => {
    expect(givenSemiSpace(['--max-semi-space-size=32'], '--max-semi-space-size=16')).toBe(32);
    expect(givenSemiSpace(['--cpu-prof'], '--max-semi-space-size=16')).toBe(16);
  });

  it('accepts V8 spellings with underscores, and a flag with its value apart', () => {
    expect(givenSemiSpace(['--max_semi_space_size=8'], undefined)).toBe(8);
    expect(givenSemiSpace(['--max-semi-space-size', '8'], undefined)).toBe('unknown');
  });

  it('is undefined without the flag, and not fooled by a longer flag name', () => {
    expect(givenSemiSpace([], undefined)).toBeUndefined();
    expect(givenSemiSpace(['--expose-gc'], '--max-old-space-size=4096')).toBeUndefined();
  });
});

describe('givenMemoryReducer', () => {
  it('reads --memory-reducer and --no-memory-reducer, the command line before NODE_OPTIONS', () => {
    expect(givenMemoryReducer(['--no-memory-reducer'], '--memory-reducer')).toBe(false);
    expect(givenMemoryReducer(['--cpu-prof'], '--memory_reducer')).toBe(true);
    expect(givenMemoryReducer([], '--no_memory_reducer')).toBe(false);
  });

  it('is undefined without the flag, and not fooled by a longer flag name', () => {
    expect(givenMemoryReducer([], undefined)).toBeUndefined();
    expect(givenMemoryReducer(['--memory-reducer-for-small-heaps'], '--no-memory-reducer-single-gc')).toBeUndefined();
  });
});

describe('restartArgv', () => {
  it('keeps node flags and the script arguments, with the heap flags after node flags', () => {
    expect(restartArgv('/usr/bin/node', ['--cpu-prof'], ['/usr/bin/node', '/app/dist/cli/main.js', 'serve', '--id', 'a1']))
      .toEqual(['/usr/bin/node', '--cpu-prof', `--max-semi-space-size=${SEMI_SPACE_MIB}`, `--min-semi-space-size=${MIN_SEMI_SPACE_MIB}`, '--no-memory-reducer', '/app/dist/cli/main.js', 'serve', '--id', 'a1']);
  });

  it('leaves the floor to node when node was given one', () => {
    const script = ['/usr/bin/node', '/app/dist/cli/main.js', 'serve'];
    expect(restartArgv('/usr/bin/node', ['--min-semi-space-size=4'], script)).toEqual(['/usr/bin/node', '--min-semi-space-size=4', `--max-semi-space-size=${SEMI_SPACE_MIB}`, '--no-memory-reducer', '/app/dist/cli/main.js', 'serve']);
    expect(restartArgv('/usr/bin/node', ['--min_semi_space_size=2'], script)).toEqual(['/usr/bin/node', '--min_semi_space_size=2', `--max-semi-space-size=${SEMI_SPACE_MIB}`, '--no-memory-reducer', '/app/dist/cli/main.js', 'serve']);
  });

  it('leaves the memory reducer to node when node\'s flags or NODE_OPTIONS name it', () => {
    const script = ['/usr/bin/node', '/app/dist/cli/main.js', 'serve'];
    expect(restartArgv('/usr/bin/node', ['--memory-reducer'], script)).toEqual(['/usr/bin/node', '--memory-reducer', `--max-semi-space-size=${SEMI_SPACE_MIB}`, `--min-semi-space-size=${MIN_SEMI_SPACE_MIB}`, '/app/dist/cli/main.js', 'serve']);
    expect(restartArgv('/usr/bin/node', [], script, '--memory-reducer')).not.toContain('--no-memory-reducer');
  });
});
