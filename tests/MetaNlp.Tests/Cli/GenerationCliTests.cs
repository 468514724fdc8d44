using MetaNlp.Generation;
using MetaNlp.Interop;
using MetaNlp.Tests.Data;
using MetaNlp.Tests.Generation;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Cli;

[Collection(SerialCollection.Name)]
public class GenerationCliTests
{
    // A tiny untrained model over the letters a-h and a support file of the identity task.
    private static (string Model, string Support) TinyFiles(TempDir dir)
    {
        using (var scope = NewDisposeScope())
            GenerationRunTests.TinyModel().Save(Path.Combine(dir.Path, "model.safetensors"));
        var lines = GenerationRunTests.ShiftTasks([0], 12, seed: 2)[0].Pairs.Select(p => $"{{\"source\": \"{p.Source}\", \"target\": \"{p.Target}\"}}");
        return (Path.Combine(dir.Path, "model.safetensors"), dir.File("support.jsonl", string.Join('\n', lines) + "\n\n"));
    }

    [Fact]
    public void GenerateAdaptsToTheSupportAndPrintsOneGenerationPerText()
    {
        using var dir = new TempDir();
        var (model, support) = TinyFiles(dir);
        var run = CliRunner.Run("generate", "--model", model, "--support", support, "--text", "a b c", "--text", "h g", "--steps", "5", "--beam", "2", "--max-length", "6", "--threads", "1", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var generations = run.Json["generations"]!.AsArray();
        Assert.Equal(2, generations.Count);
        Assert.Equal("a b c", (string)generations[0]!["text"]!);
        Assert.Equal(12, (int)run.Json["support"]!);
        // Every generated word is a symbol of the model's vocabulary (its letters), decoded with spaces between words.
        Assert.All(generations, g => Assert.Matches("^[a-h ]*$", (string)g!["generation"]!));

        var plain = CliRunner.RunWithInput("a b\n\nc d\n", "generate", "--model", model, "--support", support, "--steps", "2", "--max-length", "4", "--threads", "1");
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        Assert.Equal(2, plain.Stdout.TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public void GenerateRefusesBadInputNamingTheFileLineOrOption()
    {
        using var dir = new TempDir();
        var (model, _) = TinyFiles(dir);
        var bad = dir.File("bad.jsonl", "{\"source\": \"a b\", \"target\": \"a b\"}\n{\"source\": \"a\"}\n");
        var missing = CliRunner.Run("generate", "--model", model, "--support", bad, "--text", "a", "--threads", "1");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("bad.jsonl, line 2", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("target", missing.Stderr, StringComparison.Ordinal);

        var notJson = dir.File("broken.jsonl", "source,target\n");
        Assert.Contains("broken.jsonl, line 1", CliRunner.Run("generate", "--model", model, "--support", notJson, "--text", "a", "--threads", "1").Stderr, StringComparison.Ordinal);

        var notAModel = dir.File("model.txt", "hello");
        var wrongModel = CliRunner.Run("generate", "--model", notAModel, "--support", bad, "--text", "a", "--threads", "1");
        Assert.Equal(2, wrongModel.ExitCode);

        var beam = CliRunner.Run("generate", "--model", model, "--support", bad, "--text", "a", "--beam", "0");
        Assert.Equal(2, beam.ExitCode);
        Assert.Contains("--beam", beam.Stderr, StringComparison.Ordinal);
    }

    [RealDataFact]
    public void TrainOverATaskFamilyCheckpointsAndResumes()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "run");
        string[] common = ["train", "--task-family", "translation", "--tasks", "afr-eng,ast-eng", "--merges", "50", "--embedding-dim", "16", "--heads", "2", "--layers", "1",
            "--shots", "4", "--queries", "4", "--meta-batch", "2", "--checkpoint-every", "1", "--out", output, "--threads", "1", "--json"];
        var first = CliRunner.Run([.. common, "--max-episodes", "2"]);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal(2, (int)first.Json["steps"]!);
        Assert.Equal("fomaml", (string)first.Json["algo"]!);

        var again = CliRunner.Run([.. common, "--max-episodes", "3"]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.Stderr, StringComparison.Ordinal);

        var resumed = CliRunner.Run([.. common, "--max-episodes", "3", "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(3, (int)resumed.Json["steps"]!);
        var (model, state) = GenerationModel.Load(Path.Combine(output, "model.safetensors"));
        Assert.Equal(["afr-eng", "ast-eng"], state!.Tasks);
        Assert.Equal(GenerationTaskFamily.Translation, model.Family);
        // The default outer rule is Adam at 1e-3; its moments are in the run's file, and a resume cannot change the rule.
        Assert.Equal((GenerationMetaOptions.Adam, 1e-3), (state.Options.Meta.OuterOptimizer, state.Options.Meta.OuterLearningRate));
        using (var file = SafetensorsFile.Open(Path.Combine(output, "model.safetensors")))
            Assert.True(file.Contains(GenerationOuterAdam.MomentPrefix + "embed"));
        var otherRule = CliRunner.Run([.. common, "--max-episodes", "4", "--resume", "--outer-optimizer", "sgd"]);
        Assert.Equal(2, otherRule.ExitCode);
        Assert.Contains("other options", otherRule.Stderr, StringComparison.Ordinal);

        var unknown = CliRunner.Run("train", "--task-family", "translation", "--tasks", "xxx-eng", "--out", Path.Combine(dir.Path, "other"), "--threads", "1");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("xxx-eng", unknown.Stderr, StringComparison.Ordinal);
        var classifierOnly = CliRunner.Run("train", "--task-family", "nlg", "--dataset", "huffpost", "--out", Path.Combine(dir.Path, "other"));
        Assert.Equal(2, classifierOnly.ExitCode);
        Assert.Contains("--dataset", classifierOnly.Stderr, StringComparison.Ordinal);
        var lexicalizedTranslation = CliRunner.Run("train", "--task-family", "translation", "--lexicalized", "--out", Path.Combine(dir.Path, "other"));
        Assert.Equal(2, lexicalizedTranslation.ExitCode);
        Assert.Contains("--lexicalized", lexicalizedTranslation.Stderr, StringComparison.Ordinal);
    }

    [RealDataFact]
    public void AnNlgRunIsDelexicalisedUnlessAskedNotTo()
    {
        using var dir = new TempDir();
        string[] common = ["train", "--task-family", "nlg", "--tasks", "sgd_weather,sgd_banks", "--merges", "50", "--embedding-dim", "16", "--heads", "2", "--layers", "1",
            "--shots", "4", "--queries", "4", "--meta-batch", "2", "--max-episodes", "1", "--threads", "1", "--json"];
        var delexicalized = CliRunner.Run([.. common, "--out", Path.Combine(dir.Path, "delex")]);
        Assert.True(delexicalized.ExitCode == 0, delexicalized.Stderr);
        Assert.True((bool)delexicalized.Json["delexicalized"]!);
        Assert.True(GenerationModel.Load(Path.Combine(dir.Path, "delex", "model.safetensors")).Model.Delexicalized);
        var lexicalized = CliRunner.Run([.. common, "--out", Path.Combine(dir.Path, "lex"), "--lexicalized"]);
        Assert.True(lexicalized.ExitCode == 0, lexicalized.Stderr);
        Assert.False((bool)lexicalized.Json["delexicalized"]!);
        var resumedOtherwise = CliRunner.Run([.. common, "--out", Path.Combine(dir.Path, "delex"), "--resume", "--lexicalized"]);
        Assert.Equal(2, resumedOtherwise.ExitCode);

        // The generate path of a delexicalised model runs end to end (relexicalisation itself is tested in NlgDelexicalizerTests).
        var support = Path.Combine(dir.Path, "support.jsonl");
        File.WriteAllLines(support, ["{\"source\": \"INFORM(city=paris)\", \"target\": \"it is in paris\"}", "{\"source\": \"INFORM(city=rome)\", \"target\": \"it is in rome\"}"]);
        var generated = CliRunner.Run("generate", "--model", Path.Combine(dir.Path, "delex", "model.safetensors"), "--support", support, "--steps", "2",
            "--text", "INFORM(city=oslo)", "--max-length", "12", "--threads", "1", "--json");
        Assert.True(generated.ExitCode == 0, generated.Stderr);
        Assert.DoesNotContain("<v", (string)generated.Json["generations"]![0]!["generation"]!, StringComparison.Ordinal);
    }
}
