using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Evaluation;
using MetaNlp.Models;
using MetaNlp.Training;
using MetaNlp.Workarounds;
using Spectre.Console;
using TorchSharp;

namespace MetaNlp.Cli.Commands;

/// <summary>
/// <c>metanlp demo</c>: the README's first command. Meta-trains a Prototypical Network on 14 intents of the sample
/// set shipped inside the tool and measures it on 6 intents it never saw, next to the pretrained sentence encoder
/// (all-MiniLM-L6-v2, built in) with no training at all; then the pretrained encoder classifies new sentences into
/// 4 more unseen intents given 5 examples each. No download, no data folder.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var outDir = new Option<string>("--out") { Description = "Where the demo model goes.", DefaultValueFactory = _ => Path.Combine("runs", "demo") };
        var maxEpisodes = CliOptions.Positive<int>("--max-episodes", "Training episodes at most.", 1000);
        var seed = CliOptions.Seed();
        var threads = CliOptions.Threads();
        var json = CliOptions.Json();
        var command = new Command("demo", "Meta-train on the built-in sample intents and classify sentences of intents never seen in training.")
        {
            outDir, maxEpisodes, seed, threads, json,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            NativeThreads.SetThreads(result.GetValue(threads));
            bool asJson = result.GetValue(json);
            int runSeed = result.GetValue(seed);
            var samples = SampleData.Load();
            var split = samples.Split;
            var episodes = new EpisodeSamplerOptions { Ways = 5, Shots = 5, Queries = 5, AllowFewerWays = true };
            var train = new EpisodeSampler(samples.Intents, split.Train, episodes, runSeed);
            var validation = new EpisodeSampler(samples.Intents, split.Validation, episodes, runSeed + 1);
            var test = new EpisodeSampler(samples.Intents, split.Test, episodes, runSeed + 2);

            torch.manual_seed(runSeed);
            // A bag of embeddings with cosine prototypes: on 224 training sentences it generalises as well as the CNN
            // and trains in seconds. The pretrained encoder will replace it here.
            var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, LearnerRegistry.ToJson(new PrototypicalOptions { Distance = MetricDistance.Cosine }),
                new EncoderOptions { Kind = BagOfEmbeddingsEncoder.KindName, EmbeddingDim = 100 },
                samples.Intents.Where(e => split.Train.Contains(e.Label)).Select(e => e.Text));
            var untrained = EpisodeEvaluator.Evaluate(FewShotModel.Create(spec).Learner, test, 200);

            var options = new MetaTrainerOptions { MaxEpisodes = result.GetValue(maxEpisodes), ValidateEvery = 50, ValidationEpisodes = 100, Patience = 4, CheckpointEvery = 50, Seed = runSeed };
            var trainer = new MetaTrainer();
            var trained = ProgressDisplay.Run(asJson, "meta-training", options.MaxEpisodes, report =>
            {
                trainer.OnProgress = e => report(e.Episode, e.Validation is { } v ? $"val {v.Accuracy * 100:F1}%" : null);
                torch.manual_seed(runSeed);
                return trainer.Train(FewShotModel.Create(spec), options, train, validation, result.GetValue(outDir)!, new TrainingInfo { Dataset = "samples/intents.csv", Split = split });
            });
            var model = Checkpoint.LoadModel(trained.ModelPath);
            var tested = EpisodeEvaluator.Evaluate(model.Learner, test, 200);
            var queryTexts = samples.Queries.Select(q => q.Text).ToArray();
            int trainedRight;
            using (var trainedClassifier = model.Learner.Adapt(samples.Support))
                trainedRight = trainedClassifier.Predict(queryTexts).Where((p, i) => p.Label == samples.Queries[i].Label).Count();

            // The pretrained encoder, frozen, with cosine prototypes: nothing to train, and it knows words the 14
            // training intents never used.
            var pretrained = PretrainedModels.Create(PretrainedModels.MiniLm);
            var pretrainedTested = EpisodeEvaluator.Evaluate(pretrained.Learner, test, 200);
            using var classifier = pretrained.Learner.Adapt(samples.Support);
            var predictions = classifier.Predict(queryTexts);
            int right = predictions.Where((p, i) => p.Label == samples.Queries[i].Label).Count();

            if (asJson)
            {
                var array = new JsonArray();
                for (int i = 0; i < samples.Queries.Count; i++) array.Add(PredictCommand.ToJson(samples.Queries[i].Text, predictions[i], classifier.Labels));
                Output.Json(new JsonObject
                {
                    ["dataset"] = "samples/intents.csv",
                    ["algo"] = PrototypicalNetwork.Name,
                    ["encoder"] = spec.Encoder.Kind,
                    ["ways"] = test.Ways,
                    ["shots"] = episodes.Shots,
                    ["episodes"] = tested.EpisodeAccuracies.Count,
                    ["accuracy"] = Output.Percent(tested.Accuracy.Mean),
                    ["ci95"] = Output.Percent(tested.Accuracy.Ci95),
                    ["untrained_accuracy"] = Output.Percent(untrained.Accuracy.Mean),
                    ["trained_episodes"] = trained.Progress.EpisodesDone,
                    ["trained_right"] = trainedRight,
                    ["pretrained_encoder"] = MiniLmEncoder.KindName,
                    ["pretrained_accuracy"] = Output.Percent(pretrainedTested.Accuracy.Mean),
                    ["pretrained_ci95"] = Output.Percent(pretrainedTested.Accuracy.Ci95),
                    ["right"] = right,
                    ["model"] = Path.GetFullPath(trained.ModelPath),
                    ["predictions"] = array,
                    ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                });
                return 0;
            }
            Console.WriteLine($"Meta-trained a Prototypical Network (bag of word embeddings, cosine) on {split.Train.Count} intents for {trained.Progress.EpisodesDone} episodes ({trained.Progress.StopReason}).");
            Console.WriteLine($"On {split.Test.Count} intents it never saw ({string.Join(", ", split.Test)}), {test.Ways}-way 5-shot, 200 episodes:");
            Console.WriteLine($"  untrained encoder {untrained.Accuracy} %   meta-trained {tested.Accuracy} %   (chance {100.0 / test.Ways:F0} %)");
            Console.WriteLine($"  the pretrained sentence encoder (all-MiniLM-L6-v2, frozen, no training): {pretrainedTested.Accuracy} %");
            Console.WriteLine();
            Console.WriteLine($"Now 4 more unseen intents from 5 examples each ({string.Join(", ", classifier.Labels)}), with the pretrained encoder:");
            var table = new Table().AddColumns("sentence", "predicted intent", "probability", "true intent");
            for (int i = 0; i < predictions.Count; i++)
            {
                string mark = predictions[i].Label == samples.Queries[i].Label ? "" : " (wrong)";
                table.AddRow(Markup.Escape(samples.Queries[i].Text), Markup.Escape(predictions[i].Label), $"{predictions[i].Probability:F2}", Markup.Escape(samples.Queries[i].Label + mark));
            }
            AnsiConsole.Write(table);
            Console.WriteLine($"{right} of {predictions.Count} right (chance: {predictions.Count / classifier.Labels.Count}); the meta-trained word-level model gets {trainedRight}: words never seen in");
            Console.WriteLine("its 14 training intents are unknown to it, while the pretrained encoder learned English from far more text.");
            Console.WriteLine($"Meta-trained model saved to {trained.ModelPath}. Try: metanlp predict --model {trained.ModelPath} --support samples/support.csv --text \"how do I pay my electricity bill\"");
            Console.WriteLine("Classifiers on the pretrained encoder, with a web page: metanlp serve (docs/SERVICE.md).");
            return 0;
        }));
        return command;
    }
}
