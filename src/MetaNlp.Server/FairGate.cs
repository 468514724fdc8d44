namespace MetaNlp.Server;

/// <summary>
/// A lock that admits its waiters in the order they asked (first come, first served), held for one bounded turn of
/// work at a time: a request that needs many turns queues again behind everyone who arrived meanwhile, so a long
/// request and a short one on the same base model take turns instead of the short one waiting for the whole long one.
/// </summary>
public sealed class FairGate
{
    private readonly object _lock = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private bool _held;

    /// <summary>Requests waiting for a turn now (not counting the one holding the gate).</summary>
    public int Waiting
    {
        get
        {
            lock (_lock) return _waiting.Count;
        }
    }

    /// <summary>
    /// Waits for a turn; dispose the result to end it. A cancelled wait leaves the queue and throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();   // a request whose client has gone takes no further turn
        TaskCompletionSource turn;
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return new Turn(this);
            }
            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiting.AddLast(turn);
        }
        using (cancellation.Register(() => Abandon(node)))
        {
            await turn.Task.ConfigureAwait(false);
        }
        return new Turn(this);
    }

    // A cancelled waiter leaves the queue; if the gate was handed to it in the meantime, it passes the turn on.
    private void Abandon(LinkedListNode<TaskCompletionSource> node)
    {
        lock (_lock)
        {
            if (node.List is null) return;   // already admitted: its EnterAsync returns a turn that the caller ends
            _waiting.Remove(node);
        }
        node.Value.TrySetCanceled();
    }

    private void Exit()
    {
        TaskCompletionSource? next;
        lock (_lock)
        {
            next = _waiting.First?.Value;
            if (next is null) _held = false;
            else _waiting.RemoveFirst();
        }
        next?.SetResult();
    }

    private sealed class Turn(FairGate gate) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0) gate.Exit();
        }
    }
}
