using System.Diagnostics;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Functional;
using MetaNlp.Models;
using MetaNlp.Pretrained;
using MetaNlp.Tests.Data;
using MetaNlp.Text;
using MetaNlp.Workarounds;
using Microsoft.ML.OnnxRuntime;
using OnnxIds = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<long>;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Encoders;

public class MiniLmTests(MiniLmFixture fixture, ITestOutputHelper output) : IClassFixture<MiniLmFixture>
{
    // Mixed lengths (1 to 66 word pieces), punctuation, numbers, accents, CJK, emoji and an empty text.
    private static readonly string[] Sentences =
    [
        "How do I reset my online banking password?", "my card got declined at the store today", "What's the exchange rate for euros?",
        "Transfer $250.00 to my savings account, please.", "I lost my wallet!!! Freeze everything now.", "Is there a fee for ATM withdrawals abroad?",
        "Why hasn't my salary arrived yet", "can u help me", "Book a table for 4 at 7:30pm tomorrow", "What's the weather like in São Paulo?",
        "Play some jazz music", "Set an alarm for 6 a.m.", "Remind me to call mom on Sunday.", "Turn off the lights in the living room",
        "How many calories are in an avocado?", "Translate \"good morning\" into Japanese", "The café on 5th Avenue serves crème brûlée.",
        "Naïve Bayes is a simple baseline — surprisingly strong.", "“Quoted” text with ‘curly’ quotes… and dashes – here.",
        "東京は日本の首都です。", "北京欢迎你", "Ελληνικά κείμενα και ΟΔΟΣ", "Привет, как дела?", "Emoji 😀👍 are fun 🎉",
        "Order #12345 shipped on 2024-03-01 via UPS.", "Pi is approximately 3.14159, e is 2.71828.", "1,000,000 dollars is a lot of money",
        "e-mail me at someone@example.com", "Visit https://example.org/path?q=1&r=2 for details.", "C++ and C# are programming languages.",
        "To be, or not to be: that is the question.", "a", "OK", "?", "",
        "Meta-learning lets a model adapt to new classes from a handful of labelled examples.",
        "Few-shot text classification on banking intents with prototypical networks.",
        "The quick brown fox jumps over the lazy dog while the cat sleeps soundly on the warm windowsill.",
        "Albert Einstein was born in Ulm, in the Kingdom of Württemberg in the German Empire, on 14 March 1879.",
        "The Eiffel Tower, completed in 1889, is a wrought-iron lattice tower on the Champ de Mars in Paris.",
        "In 2020, the pandemic changed how people worked, travelled and met friends across the whole world.",
        "Please cancel my subscription; I no longer need the premium plan and want a refund for this month.",
        "I'd like to know whether my pending top-up by bank transfer will go through before the weekend.",
        "can you tell me what the difference is between a debit card and a credit card in terms of fees",
        "WHY IS MY ACCOUNT BLOCKED?!", "why is my account blocked", "tHiS iS wEiRd CaSe", "   leading and trailing spaces   ",
        "tabs\tand\nnewlines\r\nin text", "numbers 0 1 2 3 4 5 6 7 8 9 10 11 12", "supercalifragilisticexpialidocious antidisestablishmentarianism",
        "The the the the the the the the the the.", "¿Dónde está la biblioteca? ¡Muy bien!", "Straße, Größe, Übermaß",
        string.Join(' ', Enumerable.Repeat("This sentence is repeated to make a long text.", 6)),
    ];

    [Fact]
    public void SentenceVectorsEqualOnnxRuntimesOnTheSameModelInOneBatchAndOneAtATime()
    {
        using var session = OnnxSession();
        var expected = Sentences.Select(s => OnnxMeanPooled(session, fixture.Tokenizer.Encode(s))).ToArray();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var encoder = fixture.Encoder(fineTuneLayers: 1); // not frozen: no cache between the passes
        encoder.eval();
        var clock = Stopwatch.StartNew();
        var batched = encoder.Pooled(TokenBatch.From(fixture.Tokenizer, Sentences)).data<float>().ToArray();
        double batchSeconds = clock.Elapsed.TotalSeconds;
        double batchDiff = 0, singleDiff = 0, paddingDiff = 0, unitDiff = 0;
        const int d = MiniLmWeights.HiddenSize;
        for (int i = 0; i < Sentences.Length; i++)
        {
            using var single = TokenBatch.From(fixture.Tokenizer, [Sentences[i]]);
            var pooled = encoder.Pooled(single).data<float>().ToArray();
            var unit = encoder.Forward(single).data<float>().ToArray();
            double norm = Math.Sqrt(expected[i].Sum(x => (double)x * x));
            for (int j = 0; j < d; j++)
            {
                batchDiff = Math.Max(batchDiff, Math.Abs(batched[i * d + j] - expected[i][j]));
                singleDiff = Math.Max(singleDiff, Math.Abs(pooled[j] - expected[i][j]));
                paddingDiff = Math.Max(paddingDiff, Math.Abs(pooled[j] - batched[i * d + j]));
                unitDiff = Math.Max(unitDiff, Math.Abs(unit[j] - expected[i][j] / norm));
            }
        }
        output.WriteLine($"{Sentences.Length} sentences, mean-pooled states vs ONNX Runtime's: max abs difference {batchDiff:E2} in one padded batch, "
            + $"{singleDiff:E2} one at a time; batch vs alone {paddingDiff:E2}; unit sentence vectors {unitDiff:E2}; batch pass {batchSeconds:F2} s");
        Assert.True(Sentences.Length >= 50);
        Assert.True(batchDiff < 1e-4, $"padded batch differs from ONNX Runtime by {batchDiff}");
        Assert.True(singleDiff < 1e-4, $"one at a time differs from ONNX Runtime by {singleDiff}");
        Assert.True(unitDiff < 1e-4, $"unit vectors differ from ONNX Runtime's normalised ones by {unitDiff}");
        Assert.True(paddingDiff < 1e-5, $"padding changes a vector by {paddingDiff}");
    }

    [Fact]
    public void EveryWeightIsMappedWithItsShapeAndAMissingOrMisshapenWeightIsAClearError()
    {
        var encoder = fixture.Encoder(0);
        Assert.Equal(5 + MiniLmWeights.Layers * BertLayer.WeightNames.Count, encoder.parameters().Count());
        Assert.Equal(22_713_216 - 384 * 385, encoder.parameters().Sum(p => p.numel())); // all-MiniLM-L6-v2's 22.7M less its unused pooler
        Assert.Equal(MiniLmWeights.Expected().Count(), encoder.parameters().Count());
        Assert.All(MiniLmWeights.Expected(), w => Assert.True(fixture.Weights.Contains(w.Name), w.Name));

        var misshapen = Assert.Throws<InvalidDataException>(() => fixture.Weights.Get("encoder.layer.3.intermediate.dense.weight", 384, 1536));
        Assert.Contains("encoder.layer.3.intermediate.dense.weight", misshapen.Message);
        Assert.Contains("[1536, 384]", misshapen.Message);
        var missing = Assert.Throws<InvalidDataException>(() => fixture.Weights.Get("encoder.layer.6.output.dense.bias", 384));
        Assert.Contains("encoder.layer.6.output.dense.bias", missing.Message);
    }

    [Fact]
    public void TheModesFreezeNothingTheTopLayersOrEverything()
    {
        static string[] Trainable(MiniLmEncoder e) => e.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToArray();
        Assert.Empty(Trainable(fixture.Encoder(0)));
        var top = Trainable(fixture.Encoder(2));
        Assert.Equal(2 * BertLayer.WeightNames.Count, top.Length);
        Assert.All(top, n => Assert.True(n.StartsWith("layers.4.", StringComparison.Ordinal) || n.StartsWith("layers.5.", StringComparison.Ordinal), n));
        Assert.Equal(fixture.Encoder(0).parameters().Count(), Trainable(fixture.Encoder(-1)).Length);
        Assert.Throws<ArgumentException>(() => fixture.Encoder(7));
    }

    [Fact]
    public void AFrozenEncoderComputesEachTextOnceAndServesTheCacheAfterwards()
    {
        using var scope = NewDisposeScope();
        var encoder = fixture.Encoder(0);
        encoder.eval();
        var embedder = new TextEmbedder(fixture.Tokenizer, encoder);
        string[] texts = [.. Sentences.Take(40)];
        var clock = Stopwatch.StartNew();
        var first = embedder.EmbedNoGrad(texts);
        double firstSeconds = clock.Elapsed.TotalSeconds;
        Assert.Equal(texts.Length, encoder.EncodedTexts);
        clock.Restart();
        var second = embedder.EmbedNoGrad(texts.Reverse().ToArray()).flip(0);
        double secondSeconds = clock.Elapsed.TotalSeconds;
        Assert.Equal(texts.Length, encoder.EncodedTexts); // no text went through the network again
        Assert.True(first.equal(second).all().item<bool>());
        output.WriteLine($"frozen: {texts.Length / firstSeconds:F0} sentences/s computed, {texts.Length / secondSeconds:F0} sentences/s from the cache (1 thread)");

        // A gradient learner's explicit weights that are the encoder's own (detached views) are served too.
        var views = encoder.Parameters().Select((_, w) => w.detach());
        var again = encoder.Forward(TokenBatch.From(fixture.Tokenizer, texts[..5]), views);
        Assert.Equal(texts.Length, encoder.EncodedTexts);
        Assert.True(again.equal(first[..5]).all().item<bool>());
        var changed = encoder.Parameters().Select((name, w) => name == "layers.5.output_bias" ? w.add(1) : w);
        encoder.Forward(TokenBatch.From(fixture.Tokenizer, texts[..5]), changed);
        Assert.Equal(texts.Length + 5, encoder.EncodedTexts);
        // The decision is by identity: an equal copy in other memory is computed in full, to the same vectors.
        var copies = encoder.Parameters().Select((name, w) => name == "layers.5.output_bias" ? w.detach().clone() : w);
        var copied = encoder.Forward(TokenBatch.From(fixture.Tokenizer, texts[..5]), copies);
        Assert.Equal(texts.Length + 10, encoder.EncodedTexts);
        Assert.True(copied.sub(first[..5]).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void AFineTuningStepChangesTheTopLayerLeavesTheFrozenWeightsBitForBitAndLowersTheLoss()
    {
        using var scope = NewDisposeScope();
        var encoder = fixture.Encoder(1);
        var learner = new PrototypicalNetwork(new TextEmbedder(fixture.Tokenizer, encoder));
        var episode = BankingEpisode();
        var before = encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var trainable = encoder.parameters().Where(p => p.requires_grad).ToArray();
        var optimizer = new ScalarSafeAdam(trainable, 1e-4, weightDecay: 0);

        encoder.train();
        var clock = Stopwatch.StartNew();
        optimizer.zero_grad();
        var loss = learner.EpisodeLoss(episode);
        loss.backward();
        optimizer.step();
        double stepSeconds = clock.Elapsed.TotalSeconds;
        float lossBefore = loss.item<float>();
        float lossAfter;
        using (no_grad()) lossAfter = learner.EpisodeLoss(episode).item<float>();
        output.WriteLine($"one fine-tuning step (top layer, {episode.Support.Count + episode.Query.Count} sentences): {stepSeconds:F2} s; loss {lossBefore:F4} -> {lossAfter:F4}");

        Assert.True(lossAfter < lossBefore, $"loss {lossBefore} -> {lossAfter}");
        foreach (var (name, parameter) in encoder.named_parameters())
        {
            bool same = parameter.equal(before[name]).all().item<bool>();
            if (name.StartsWith("layers.5.", StringComparison.Ordinal)) Assert.False(same, $"{name} did not change");
            else Assert.True(same, $"{name} changed although frozen");
        }
    }

    [Fact]
    public void AFineTunedProtoNetReloadsFromItsCheckpointWithTheSamePredictionsAndWithoutItsFrozenWeights()
    {
        using var dir = new TempDir();
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Kind = MiniLmEncoder.KindName, FineTuneLayers = 1 }, []);
        Assert.Empty(spec.Vocabulary);
        var model = FewShotModel.Create(spec);
        var episode = BankingEpisode();
        using (var scope = NewDisposeScope())
        {
            var optimizer = new ScalarSafeAdam(model.Learner.Module.parameters().Where(p => p.requires_grad), 1e-3, weightDecay: 0);
            model.Learner.EpisodeLoss(episode).backward();
            optimizer.step();
        }
        string path = Path.Combine(dir.Path, "model.ckpt");
        Checkpoint.SaveModel(path, model);
        long bytes = new FileInfo(path).Length;
        output.WriteLine($"checkpoint with the top layer fine-tuned: {bytes / 1e6:F1} MB");
        Assert.InRange(bytes, 7_000_000, 8_000_000); // the top layer's 1.77M floats, not the 22.7M of the whole model

        var reloaded = Checkpoint.LoadModel(path);
        LearnerChecks.AssertSamePredictions(model.Learner, reloaded.Learner, episode);
        var fresh = FewShotModel.Create(spec);
        using var a = model.Learner.Adapt(episode.Support);
        using var b = fresh.Learner.Adapt(episode.Support);
        var texts = episode.Query.Select(q => q.Text).ToArray();
        Assert.NotEqual(a.Predict(texts).Select(p => p.Probability), b.Predict(texts).Select(p => p.Probability)); // the step mattered
    }

    [Fact]
    public void AFrozenModelsCheckpointHoldsNoWeightsOfTheEncoder()
    {
        using var dir = new TempDir();
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Kind = MiniLmEncoder.KindName }, []);
        var model = FewShotModel.Create(spec);
        string path = Path.Combine(dir.Path, "frozen.ckpt");
        Checkpoint.SaveModel(path, model);
        Assert.True(new FileInfo(path).Length < 10_000, $"{new FileInfo(path).Length} bytes");
        LearnerChecks.AssertSamePredictions(model.Learner, Checkpoint.LoadModel(path).Learner, BankingEpisode());
    }

    [Fact]
    public void AProtoMamlInnerStepRunsThroughTheExplicitWeightForwardAndAdaptsTheTopLayer()
    {
        using var scope = NewDisposeScope();
        var encoder = fixture.Encoder(1);
        var learner = new ProtoMaml(new TextEmbedder(fixture.Tokenizer, encoder), new GradientLearnerOptions { InnerSteps = 1, TestInnerSteps = 1, InnerLearningRate = 0.5 });
        var episode = new Episode(["card", "transfer"],
            [new TextExample("my card was declined", "card"), new TextExample("send money to my brother", "transfer")],
            [new TextExample("card payment failed", "card"), new TextExample("transfer funds to savings", "transfer")]);

        var clock = Stopwatch.StartNew();
        var loss = learner.EpisodeLoss(episode); // second order through one BERT layer
        var trainable = encoder.parameters().Where(p => p.requires_grad).ToArray();
        var gradients = autograd.grad([loss], trainable);
        output.WriteLine($"ProtoMAML 2-way 1-shot, second order, top layer: {clock.Elapsed.TotalSeconds:F2} s");
        Assert.True(gradients.Sum(g => g.abs().sum().item<float>()) > 0);

        // 1-shot support points are their own prototypes, so ProtoMAML's start already fits them; the inner step
        // that adapts for prediction sees the query texts as extra support of the same classes.
        var (_, adapted) = learner.AdaptWeights([.. episode.Support, .. episode.Query], steps: 1);
        var own = encoder.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        Assert.False(adapted["layers.5.output_bias"].equal(own["layers.5.output_bias"]).all().item<bool>());
        Assert.True(adapted["layers.4.output_bias"].equal(own["layers.4.output_bias"]).all().item<bool>());
        Assert.True(adapted["word_embedding"].equal(own["word_embedding"]).all().item<bool>());
        foreach (var (_, tensor) in adapted) tensor.Dispose();
    }

    [Fact]
    public void ProtoMamlAdaptsItsPrototypeHeadOverAFrozenEncoder()
    {
        // With nothing trained the prototype head carries no graph; the inner loop must still step it (it once threw
        // "the loss does not require a gradient" in `metanlp eval --algo protomaml --finetune-layers 0`).
        using var scope = NewDisposeScope();
        var encoder = fixture.Encoder(0);
        var learner = new ProtoMaml(new TextEmbedder(fixture.Tokenizer, encoder), new GradientLearnerOptions { TestInnerSteps = 3, InnerLearningRate = 0.5 });
        var support = new[]
        {
            new TextExample("my card was declined", "card"), new TextExample("card payment failed", "card"),
            new TextExample("send money to my brother", "transfer"), new TextExample("transfer funds to savings", "transfer"),
        };
        var (_, start) = learner.AdaptWeights(support, steps: 0);
        var (_, adapted) = learner.AdaptWeights(support, steps: 3);
        Assert.False(adapted[GradientNetwork.HeadWeightName].allclose(start[GradientNetwork.HeadWeightName]));
        Assert.True(adapted["layers.5.output_bias"].equal(start["layers.5.output_bias"]).all().item<bool>());
        using var classifier = learner.Adapt(support);
        Assert.Equal("card", classifier.Predict(["my card does not work"])[0].Label);
        foreach (var (_, tensor) in start.Concat(adapted)) tensor.Dispose();
    }

    [Fact]
    public void FullFineTuningAdaptsOnlyTheWordTableRowsATaskUses()
    {
        using var scope = NewDisposeScope();
        var encoder = fixture.Encoder(-1);
        var learner = new Maml(new TextEmbedder(fixture.Tokenizer, encoder), new GradientLearnerOptions { FirstOrder = true });
        var support = new[] { new TextExample("card declined", "card"), new TextExample("rain today", "weather") };
        var (_, adapted) = learner.AdaptWeights(support, steps: 2); // MAML's head starts at zero: the first step moves only the head
        var own = encoder.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var changedRows = adapted["word_embedding"].ne(own["word_embedding"]).any(1).nonzero().flatten().data<long>().ToArray();
        var used = support.SelectMany(e => fixture.Tokenizer.Encode(e.Text)).Select(i => (long)i).Distinct().Order().ToArray();
        Assert.NotEmpty(changedRows);
        Assert.All(changedRows, row => Assert.Contains(row, used));
        Assert.False(adapted["layers.0.query_weight"].equal(own["layers.0.query_weight"]).all().item<bool>());
        foreach (var (_, tensor) in adapted) tensor.Dispose();
    }

    private static Episode BankingEpisode() => new(["card", "transfer", "weather"],
    [
        new TextExample("my card was declined at the shop", "card"), new TextExample("the card payment did not go through", "card"),
        new TextExample("send money to my sister's account", "transfer"), new TextExample("how do I transfer funds abroad", "transfer"),
        new TextExample("will it rain tomorrow", "weather"), new TextExample("what is the forecast for the weekend", "weather"),
    ],
    [
        new TextExample("why was my card refused", "card"), new TextExample("wire 100 euros to John", "transfer"),
        new TextExample("is it going to be sunny", "weather"), new TextExample("my debit card does not work", "card"),
        new TextExample("move money between accounts", "transfer"), new TextExample("how cold will it be tonight", "weather"),
    ]);

    private static InferenceSession OnnxSession()
    {
        using var stream = MiniLmWeights.OpenModel();
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        return new InferenceSession(bytes.ToArray(), options);
    }

    // The ONNX graph outputs token states (last_hidden_state) and BERT's pooler output, not a sentence vector: the mean
    // of one unpadded text's token states is what sentence-transformers pools before normalising.
    private static float[] OnnxMeanPooled(InferenceSession session, int[] ids)
    {
        int n = ids.Length;
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new OnnxIds(ids.Select(i => (long)i).ToArray(), [1, n])),
            NamedOnnxValue.CreateFromTensor("attention_mask", new OnnxIds(Enumerable.Repeat(1L, n).ToArray(), [1, n])),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new OnnxIds(new long[n], [1, n])),
        };
        using var results = session.Run(inputs, ["last_hidden_state"]);
        var states = results.First().AsTensor<float>();
        var vector = new float[MiniLmWeights.HiddenSize];
        for (int j = 0; j < vector.Length; j++)
        {
            double sum = 0;
            for (int t = 0; t < n; t++) sum += states[0, t, j];
            vector[j] = (float)(sum / n);
        }
        return vector;
    }
}
