import { describe, expect, it } from 'vitest';
import type { ReplayStore } from '../../src/crypto/index.js';

/** What every ReplayStore must do; each implementation's test file runs this suite. */
export const replayStoreContract = (name: string, make: () => ReplayStore): void => {
  describe(`ReplayStore contract: ${name}`, () => {
    it('accepts an id once, then reports it as a replay', () => {
      const store = make();
      expect(store.remember('a'.repeat(32), 1_000)).toBe(true);
      expect(store.remember('a'.repeat(32), 1_000)).toBe(false);
      expect(store.remember('b'.repeat(32), 1_000)).toBe(true);
      expect(store.size()).toBe(2);
      store.close();
    });

    it('a replay does not extend how long the id is kept', () => {
      const store = make();
      store.remember('c'.repeat(32), 100);
      expect(store.remember('c'.repeat(32), 10_000)).toBe(false);
      expect(store.prune(101)).toBe(1);
      store.close();
    });

    it('prunes only ids whose time has passed', () => {
      const store = make();
      store.remember('1'.repeat(32), 100);
      store.remember('2'.repeat(32), 200);
      store.remember('3'.repeat(32), 300);
      expect(store.prune(100)).toBe(0);
      expect(store.prune(201)).toBe(2);
      expect(store.size()).toBe(1);
      expect(store.remember('3'.repeat(32), 300)).toBe(false);
      expect(store.remember('1'.repeat(32), 400)).toBe(true);
      store.close();
    });

    it('holds many ids', () => {
      const store = make();
      for (let i = 0; i < 500; i += 1) expect(store.remember(i.toString(16).padStart(32, '0'), i)).toBe(true);
      expect(store.size()).toBe(500);
      for (let i = 0; i < 500; i += 37)
        expect(store.remember(i.toString(16).padStart(32, '0'), i)).toBe(false);
      expect(store.prune(250)).toBe(250);
      store.close();
    });
  });
};
