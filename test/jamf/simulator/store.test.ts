import { startJamfSimulator, type JamfSimulator } from '../../../src/jamf/simulator';

describe('simulator user store', () => {
  let sim: JamfSimulator;
  beforeEach(async () => {
    sim = await startJamfSimulator();
  });
  afterEach(() => sim.close());

  it('get() returns a copy: changing it changes nothing stored', () => {
    const user = sim.users.get(6);
    if (user === undefined) throw new Error('seed user 6 missing');
    user.full_name = 'changed';
    expect(sim.users.get(6)?.full_name).toBe('');
  });

  it('set() adds and replaces users; list() is ordered by id', () => {
    sim.users.set({ id: 2, name: 'two' });
    sim.users.set({ id: 2, name: 'two', position: 'x' });
    expect(sim.users.get(2)).toEqual({ id: 2, name: 'two', position: 'x' });
    expect(sim.users.list().map((u) => u.id)).toEqual([1, 2, 6, 23423523]);
  });

  it('set() refuses a name another user has, in any case', () => {
    expect(() => sim.users.set({ id: 3, name: 'JDOE' })).toThrow(/already named 'JDOE'/);
    expect(() => sim.users.set({ id: 1.5, name: 'x' })).toThrow(TypeError);
  });

  it('delete() frees the name', () => {
    expect(sim.users.delete(23423523)).toBe(true);
    expect(sim.users.delete(23423523)).toBe(false);
    sim.users.set({ id: 3, name: 'jdoe' });
    expect(sim.users.get(3)?.name).toBe('jdoe');
  });
});
