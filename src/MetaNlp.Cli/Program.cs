using System.CommandLine;
using MetaNlp.Cli.Commands;

namespace MetaNlp.Cli;

/// <summary>Entry point of the <c>metanlp</c> command.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen command.</summary>
    public static int Main(string[] args)
    {
        MetaNlp.Training.NativeThreads.Configure(); // before LibTorch loads: OpenMP reads its wait policy once
        return BuildRoot().Parse(args).Invoke();
    }

    /// <summary>The command tree (also used by tests).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("MetaNlp: meta-learning and few-shot text classification.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(DatasetsCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        return root;
    }
}
