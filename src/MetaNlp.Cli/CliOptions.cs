using System.CommandLine;

namespace MetaNlp.Cli;

/// <summary>Options shared by several commands, so each is spelled and documented once.</summary>
internal static class CliOptions
{
    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = "Folder holding the benchmark datasets (default: $METANLP_DATA, else the per-user data folder).",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object on stdout (for scripts)." };

    public static Option<int> Seed(int value = 42) => new("--seed")
    {
        Description = "Seed of weights and episodes: the same seed gives the same numbers.",
        DefaultValueFactory = _ => value,
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "LibTorch threads (default: all cores).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public static Option<T> Positive<T>(string name, string description, T? value = default) where T : struct, IComparable<T>
    {
        var option = new Option<T>(name) { Description = description };
        if (value is T v) option.DefaultValueFactory = _ => v;
        option.Validators.Add(result =>
        {
            var x = result.GetValueOrDefault<T>();
            if (x.CompareTo(default) <= 0) result.AddError($"{name} must be positive (got {x}).");
        });
        return option;
    }

    public static Option<int> NonNegative(string name, string description)
    {
        var option = new Option<int>(name) { Description = description };
        option.Validators.Add(result =>
        {
            int x = result.GetValueOrDefault<int>();
            if (x < 0) result.AddError($"{name} cannot be negative (got {x}).");
        });
        return option;
    }
}
