using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Workarounds;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Algorithms;

/// <summary>Every learner over the pretrained encoder with its top layer fine-tuned: a training step, then a checkpoint round trip.</summary>
public class MiniLmLearnerTests
{
    public static TheoryData<string> Learners => new(LearnerRegistry.Names);

    private static readonly Episode Intents = new(["card", "transfer", "weather"],
    [
        new TextExample("my card was declined at the shop", "card"), new TextExample("the card payment did not go through", "card"),
        new TextExample("send money to my sister's account", "transfer"), new TextExample("how do I transfer funds abroad", "transfer"),
        new TextExample("will it rain tomorrow", "weather"), new TextExample("what is the forecast for the weekend", "weather"),
    ],
    [
        new TextExample("why was my card refused", "card"), new TextExample("wire 100 euros to John", "transfer"),
        new TextExample("is it going to be sunny", "weather"), new TextExample("my debit card does not work", "card"),
    ]);

    [Theory]
    [MemberData(nameof(Learners))]
    public void EveryLearnerTrainsTheTopLayerOfMiniLmAndReloadsWithTheSamePredictions(string algorithm)
    {
        using var dir = new TempDir();
        var options = LearnerRegistry.IsGradientBased(algorithm)
            ? LearnerRegistry.ToJson(new GradientLearnerOptions { InnerSteps = 2, TestInnerSteps = 2, FirstOrder = true })
            : (System.Text.Json.JsonElement?)null;
        manual_seed(1); // two inner steps: a head that starts at zero moves alone in the first
        var model = FewShotModel.Create(FewShotModel.NewSpec(algorithm, options, new EncoderOptions { Kind = MiniLmEncoder.KindName, FineTuneLayers = 1 }, []));
        var trainable = model.Learner.Module.parameters().Where(p => p.requires_grad).ToArray();
        var top = model.Embedder.Encoder.named_parameters().Where(p => p.name.StartsWith("layers.5.", StringComparison.Ordinal)).Select(p => p.parameter).ToArray();
        Assert.All(top, p => Assert.Contains(p, trainable));
        var before = top.Select(p => p.detach().clone()).ToArray();
        using (var scope = NewDisposeScope())
        {
            var optimizer = new ScalarSafeAdam(trainable, 1e-3, weightDecay: 0);
            model.Learner.Module.train();
            var loss = model.Learner.EpisodeLoss(Intents);
            Assert.True(float.IsFinite(loss.item<float>()), $"{algorithm}: loss {loss.item<float>()}");
            loss.backward();
            optimizer.step();
            model.Learner.Module.eval();
        }
        Assert.Contains(top.Zip(before), pair => !pair.First.equal(pair.Second).all().item<bool>()); // the encoder itself learned

        string path = Path.Combine(dir.Path, "model.ckpt");
        Checkpoint.SaveModel(path, model);
        LearnerChecks.AssertSamePredictions(model.Learner, Checkpoint.LoadModel(path).Learner, Intents);
    }
}
