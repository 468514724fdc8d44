using System.Runtime.InteropServices;

namespace MetaNlp.Cli;

/// <summary>
/// Ctrl-C and a polite kill (SIGTERM) turned into a cancellation a training run checks between steps, so the run stops
/// after its current step with its state saved and nothing since the last checkpoint is lost. A second Ctrl-C is left to
/// the runtime and ends the process at once. Disposing stops listening.
/// </summary>
internal sealed class InterruptSignal : IDisposable
{
    private readonly CancellationTokenSource interrupt = new();
    private readonly PosixSignalRegistration onTerm;

    public InterruptSignal()
    {
        Console.CancelKeyPress += OnCtrlC;
        onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            interrupt.Cancel();
        });
    }

    /// <summary>Cancelled once either signal arrived.</summary>
    public CancellationToken Token => interrupt.Token;

    /// <summary>Whether either signal arrived.</summary>
    public bool Arrived => interrupt.IsCancellationRequested;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCtrlC;
        onTerm.Dispose();
        interrupt.Dispose();
    }

    private void OnCtrlC(object? sender, ConsoleCancelEventArgs e)
    {
        if (interrupt.IsCancellationRequested) return;
        e.Cancel = true;
        interrupt.Cancel();
    }
}
