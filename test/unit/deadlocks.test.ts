import { isDeadlock, retryingDeadlocks } from '../../src/graph/deadlocks';

const deadlock = () => Object.assign(new Error('ForsetiClient can not acquire ExclusiveLock'), { code: 'Neo.TransientError.Transaction.DeadlockDetected' });

describe('retryingDeadlocks', () => {
  it('writes a deadlock victim again until it commits', async () => {
    let calls = 0;
    const result = await retryingDeadlocks(async () => {
      calls++;
      if (calls < 3) throw deadlock();
      return 'written';
    });
    expect(result).toBe('written');
    expect(calls).toBe(3);
  });

  it('gives up after the attempts it is given, with the deadlock', async () => {
    let calls = 0;
    await expect(
      retryingDeadlocks(async () => {
        calls++;
        throw deadlock();
      }, 4),
    ).rejects.toMatchObject({ code: 'Neo.TransientError.Transaction.DeadlockDetected' });
    expect(calls).toBe(4);
  });

  it('does not write again after any other error', async () => {
    let calls = 0;
    const other = Object.assign(new Error('constraint'), { code: 'Neo.ClientError.Schema.ConstraintValidationFailed' });
    await expect(
      retryingDeadlocks(async () => {
        calls++;
        throw other;
      }),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
  });

  it('recognises a deadlock by its code, also as the cause of another error', () => {
    expect(isDeadlock(deadlock())).toBe(true);
    expect(isDeadlock(Object.assign(new Error('wrapped'), { cause: deadlock() }))).toBe(true);
    expect(isDeadlock(new Error('DeadlockDetected in the message only'))).toBe(false);
    expect(isDeadlock(null)).toBe(false);
    // A node a concurrent prune deleted between this statement's match and its read: written again too.
    expect(isDeadlock(new Error('Unable to load NODE 4:98206971-89b4-4603-9c56-19f5db85bab5:126089.'))).toBe(true);
    expect(isDeadlock(Object.assign(new Error('wrapped'), { cause: new Error('Unable to load RELATIONSHIP 5:x:1.') }))).toBe(true);
    expect(isDeadlock(new Error('Unable to load the file'))).toBe(false);
  });
});
