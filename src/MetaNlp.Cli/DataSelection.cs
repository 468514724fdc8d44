using System.CommandLine;
using MetaNlp.Data;

namespace MetaNlp.Cli;

/// <summary>
/// Where the examples come from: a registry dataset (--dataset) or a user file (--dataset-file with --format),
/// with the class split given by the registry, a split file, or three class lists.
/// </summary>
internal sealed class DataSelection
{
    public Option<string?> Dataset { get; } = new("--dataset") { Description = "Registry dataset name (see `metanlp datasets list`). This or --dataset-file is required." };
    public Option<string?> DatasetFile { get; } = new("--dataset-file") { Description = "Your own data file (or folder for dnnc). This or --dataset is required." };
    public Option<string> Format { get; } = new("--format") { Description = $"Format of --dataset-file: {string.Join(", ", Data.DatasetFile.Formats)}.", DefaultValueFactory = _ => "csv" };
    public Option<string> TextColumn { get; } = new("--text-column") { Description = "Text column or field of a csv/jsonl file.", DefaultValueFactory = _ => new DatasetColumns().Text };
    public Option<string> LabelColumn { get; } = new("--label-column") { Description = "Label column or field of a csv/jsonl file.", DefaultValueFactory = _ => new DatasetColumns().Label };
    public Option<string?> SplitFile { get; } = new("--split") { Description = "Class split file: JSON {\"train\",\"val\",\"test\"} or lines `train: a, b`." };
    public Option<string?> TrainClasses { get; } = new("--train-classes") { Description = "Comma-separated meta-training classes." };
    public Option<string?> ValClasses { get; } = new("--val-classes") { Description = "Comma-separated validation classes." };
    public Option<string?> TestClasses { get; } = new("--test-classes") { Description = "Comma-separated test classes." };
    public Option<int> SplitIndex { get; } = new("--split-index") { Description = "Which of a benchmark's class splits (ProtAugment intent sets: 1-5).", DefaultValueFactory = _ => 1 };
    public Option<string?> DataDir { get; } = CliOptions.DataDir();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Dataset, DatasetFile, Format, TextColumn, LabelColumn, SplitFile, TrainClasses, ValClasses, TestClasses, SplitIndex, DataDir })
            command.Options.Add(option);
    }

    /// <summary>Whether the user named any data at all.</summary>
    public bool IsGiven(ParseResult result) => result.GetValue(Dataset) is not null || result.GetValue(DatasetFile) is not null;

    /// <summary>Loads the selected data; <paramref name="shots"/> picks the DNNC support part, <paramref name="splitIndex"/> (when given) replaces --split-index.</summary>
    public SelectedData Load(ParseResult result, int? shots = null, int? splitIndex = null)
    {
        string? name = result.GetValue(Dataset);
        string? file = result.GetValue(DatasetFile);
        if (name is not null && file is not null) throw new ArgumentException("Give either --dataset or --dataset-file, not both.");
        ClassSplit? split = ReadSplit(result);
        if (name is not null)
        {
            var info = DatasetRegistry.Get(name);
            var loaded = info.Load(DataDirectory.Resolve(result.GetValue(DataDir)), new DatasetLoadOptions { SplitIndex = splitIndex ?? result.GetValue(SplitIndex), Shots = shots });
            split ??= loaded.Split;
            if (split is not null) ClassSplitFile.Validate(split, loaded.Dataset);
            return new SelectedData(name, loaded.Dataset, split, loaded);
        }
        if (file is null) throw new ArgumentException("Say which data to use: --dataset NAME (see `metanlp datasets list`) or --dataset-file FILE --format FORMAT.");
        var columns = new DatasetColumns
        {
            Text = result.GetValue(TextColumn)!,
            Label = result.GetValue(LabelColumn)!,
        };
        var dataset = Data.DatasetFile.Load(file, result.GetValue(Format)!, columns);
        if (split is not null) ClassSplitFile.Validate(split, dataset);
        return new SelectedData(Path.GetFileName(file), dataset, split, null);
    }

    private ClassSplit? ReadSplit(ParseResult result)
    {
        string? path = result.GetValue(SplitFile);
        string?[] lists = [result.GetValue(TrainClasses), result.GetValue(ValClasses), result.GetValue(TestClasses)];
        if (path is not null && lists.Any(l => l is not null)) throw new ArgumentException("Give either --split FILE or the --train/--val/--test-classes lists, not both.");
        if (path is not null) return ClassSplitFile.Read(path);
        if (lists.All(l => l is null)) return null;
        return ClassSplitFile.ParseLists(lists[0] ?? "", lists[1] ?? "", lists[2] ?? "");
    }
}

/// <summary>Loaded data: its display name, examples, split and (for registry datasets) protocol.</summary>
internal sealed record SelectedData(string Name, TextDataset Dataset, ClassSplit? Split, LoadedDataset? Registry)
{
    /// <summary>The data with its protocol, under this selection's name and split: the registry entry's, else episodic.</summary>
    public ProtocolData ForProtocol() => Registry?.ForProtocol(Split) is { } data ? data with { Name = Name } : ProtocolData.Episodic(Name, Dataset, Split);
}
