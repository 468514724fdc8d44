using System.CommandLine;

namespace MetaNlp.Cli;

/// <summary>Options shared by several commands, so each is spelled and documented once.</summary>
internal static class CliOptions
{
    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = "Folder holding the benchmark datasets. Default: $METANLP_DATA, else the per-user data folder.",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object on stdout (for scripts)." };

    public static Option<int> Seed(int value = 42) => new("--seed")
    {
        Description = "Seed of weights and episodes: the same seed gives the same numbers.",
        DefaultValueFactory = _ => value,
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = $"LibTorch threads, 1 to {Workarounds.NativeThreads.MaxThreads:N0}; the default is one per core of this machine.",
        DefaultValueFactory = _ => Workarounds.NativeThreads.DefaultThreads,
    };

    public static Option<int> HiddenCacheMegabytes()
    {
        var option = NonNegative("--hidden-cache-mb",
            "minilm with 1 to 5 top layers fine-tuned: most memory (MiB) for the cached states of the frozen bottom layers, computed once per text; 0 turns the cache off.");
        option.DefaultValueFactory = _ => (int)(Encoders.HiddenStateCache.DefaultLimitBytes >> 20);
        return option;
    }

    public static Option<bool> HiddenCacheFloat16() => new("--hidden-cache-float16")
    {
        Description = "Keep the cached hidden states as float16: twice as many texts in the same memory, about 3 significant digits.",
    };

    /// <summary>Applies <see cref="HiddenCacheMegabytes"/> and <see cref="HiddenCacheFloat16"/> to the encoders made from now on.</summary>
    public static void ApplyHiddenCache(ParseResult result, Option<int> megabytes, Option<bool> float16)
    {
        Encoders.HiddenStateCache.ProcessLimitBytes = (long)result.GetValue(megabytes) << 20;
        Encoders.HiddenStateCache.ProcessStorage = result.GetValue(float16) ? TorchSharp.torch.ScalarType.Float16 : TorchSharp.torch.ScalarType.Float32;
    }

    /// <summary>The value of <paramref name="option"/> when the command line gives it, else <paramref name="fallback"/>.</summary>
    public static T Given<T>(ParseResult result, Option<T> option, T fallback) =>
        result.GetResult(option) is { Implicit: false } ? result.GetValue(option)! : fallback;

    /// <summary>
    /// <c>--label-text-weight</c> (train, eval, predict): 1 to <see cref="Data.LabelTexts.MaxWeight"/>, checked when the
    /// command line is parsed so the error names the option; <paramref name="value"/> when not given (none where a
    /// recipe decides).
    /// </summary>
    public static Option<int> LabelTextWeight(string description, int? value = null)
    {
        var option = Positive("--label-text-weight", description, value);
        option.Validators.Add(r =>
        {
            if (Converted<int>(r) is int value && value > Data.LabelTexts.MaxWeight)
                r.AddError($"--label-text-weight must be from 1 to {Data.LabelTexts.MaxWeight} (got {value}).");
        });
        return option;
    }

    public static Option<T> Positive<T>(string name, string description, T? value = default) where T : struct, IComparable<T>
    {
        var option = new Option<T>(name) { Description = description };
        if (value is T v) option.DefaultValueFactory = _ => v;
        option.Validators.Add(result =>
        {
            if (Converted<T>(result) is T x && x.CompareTo(default) <= 0) result.AddError($"{name} must be positive (got {x}).");
        });
        return option;
    }

    /// <summary>
    /// The option's value, or null when its text did not convert to <typeparamref name="T"/> ("abc", "3.5" for an
    /// integer, a number out of range): the parser reports that error itself, and asking for the value then throws,
    /// which inside a validator would end the process.
    /// </summary>
    public static T? Converted<T>(System.CommandLine.Parsing.OptionResult result) where T : struct
    {
        try
        {
            return result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public static Option<int> NonNegative(string name, string description)
    {
        var option = new Option<int>(name) { Description = description };
        option.Validators.Add(result =>
        {
            if (Converted<int>(result) is int x && x < 0) result.AddError($"{name} cannot be negative (got {x}).");
        });
        return option;
    }
}
