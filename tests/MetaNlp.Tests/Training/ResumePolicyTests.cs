using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;

namespace MetaNlp.Tests.Training;

public class ResumePolicyTests
{
    [Fact]
    public void ASavedRunDecidesItsEpisodesAndRefusesOtherDataOrGivenOptions()
    {
        using var dir = new TempDir();
        Assert.Null(ResumePolicy.Find(dir.Path, resume: true)); // nothing saved
        var examples = ToyData.Examples(classes: 4, perClass: 6, seed: 2);
        var split = new ClassSplit(ToyData.Classes(0, 3), [], ToyData.Classes(3, 4));
        var spec = FewShotModel.NewSpec("protonet", null, new EncoderOptions { Kind = "boe", EmbeddingDim = 8 }, examples.Select(e => e.Text));
        var shape = new EpisodeSamplerOptions { Ways = 3, Shots = 2, Queries = 2 };
        TorchSharp.torch.manual_seed(1);
        new MetaTrainer().Train(FewShotModel.Create(spec), new MetaTrainerOptions { MaxEpisodes = 2, ValidateEvery = 0, Seed = 11 },
            new EpisodeSampler(examples, split.Train, shape, 11), null, dir.Path, new TrainingInfo { Dataset = "toy", Split = split });

        Assert.Null(ResumePolicy.Find(dir.Path, resume: false)); // not asked
        var saved = ResumePolicy.Find(dir.Path, resume: true)!;
        Assert.Equal((shape, 11), (saved.Episodes, saved.Seed));
        Assert.Empty(saved.ChangedEpisodes(3, 2, null));
        Assert.Equal([("ways", 3, 4), ("queries", 2, 5)], saved.ChangedEpisodes(4, null, 5));

        // The saved run had no contrastive stage, so a recipe's is not run on resume.
        var recipe = TrainingRecipe.For(null, "cnn") with { Contrastive = new ContrastiveOptions { Epochs = 3 } };
        Assert.Equal((saved.Spec.Encoder, saved.Spec.Algorithm), (saved.Recipe(recipe, encoderChanged: false).Encoder, saved.Recipe(recipe, encoderChanged: false).Algorithm));
        Assert.Equal(0, saved.Recipe(recipe, encoderChanged: false).Contrastive.Epochs);
        Assert.Equal(2, saved.Recipe(recipe, encoderChanged: false).Trainer.MaxEpisodes);
        Assert.Same(recipe, saved.Recipe(recipe, encoderChanged: true));

        // Another dataset always refuses; another encoder size only where the caller gave it.
        var otherData = saved.Spec with { Training = saved.Training with { Dataset = "other" } };
        Assert.Equal(["training.dataset"], saved.Refusals(otherData, _ => false).Select(c => c.Path));
        var otherSize = saved.Spec with { Encoder = saved.Spec.Encoder with { EmbeddingDim = 16 } };
        Assert.Empty(saved.Refusals(otherSize, _ => false));
        Assert.Equal(["encoder.embeddingDim"], saved.Refusals(otherSize, path => path == "encoder.embeddingDim").Select(c => c.Path));
        Assert.True(ResumePolicy.IsDataField("training.split.train"));
        Assert.False(ResumePolicy.IsDataField("training.splitter"));
    }
}
