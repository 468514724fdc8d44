using System.CommandLine;
using System.CommandLine.Help;
using MetaNlp.Cli.Commands;

namespace MetaNlp.Cli;

/// <summary>Entry point of the <c>metanlp</c> command.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen command.</summary>
    public static int Main(string[] args)
    {
        MetaNlp.Workarounds.NativeThreads.Configure(); // before LibTorch loads: OpenMP reads its wait policy once
        try
        {
            args = ConfigFile.Expand(args);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return CommandRunner.BadInput;
        }
        var parsed = BuildRoot().Parse(args);
        // The parser's own errors (an unknown option, a missing or malformed value) are bad input like any other: one
        // line and exit code 2, instead of System.CommandLine's exit 1 with the errors and the whole help text. With
        // no arguments at all the help is what a person wants.
        if (parsed.Errors.Count > 0 && args.Length > 0)
        {
            string command = parsed.CommandResult.Command.Name == Name ? Name : $"{Name} {parsed.CommandResult.Command.Name}";
            string more = parsed.Errors.Count > 1 ? $" (and {parsed.Errors.Count - 1} more)" : "";
            Console.Error.WriteLine($"error: {OneLine(parsed.Errors[0].Message).TrimEnd('.')}{more}; see `{command} --help`.");
            return CommandRunner.BadInput;
        }
        return parsed.Invoke();
    }

    // A parser message on one line and in the user's words: the choices of an option listed with commas, and no .NET
    // type names ("as expected type 'System.Int32'").
    private static string OneLine(string message)
    {
        string joined = string.Join(", ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Replace(":, ", ": ", StringComparison.Ordinal);
        return joined.Replace("as expected type 'System.Int32'", "as a whole number", StringComparison.Ordinal)
            .Replace("as expected type 'System.Int64'", "as a whole number", StringComparison.Ordinal)
            .Replace("as expected type 'System.Double'", "as a number", StringComparison.Ordinal)
            .Replace("as expected type 'System.Single'", "as a number", StringComparison.Ordinal);
    }

    /// <summary>The command's name, as installed and as help and errors show it.</summary>
    public const string Name = "metanlp";

    /// <summary>The command tree (also used by tests).</summary>
    public static Command BuildRoot()
    {
        // A RootCommand would take the assembly's name (MetaNlp.Cli) for usage lines; the tool is installed as metanlp.
        var root = new Command(Name, "MetaNlp: meta-learning and few-shot text classification.")
        {
            new HelpOption(),
            new VersionOption(),
            // Expanded before parsing (ConfigFile); declared so that help lists it for every command.
            new Option<string>(ConfigFile.Option) { Description = "A file of options, one per line (`--lr 1e-4`; '#' starts a comment); options on the command line win.", Recursive = true },
        };
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(DatasetsCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        return root;
    }
}
