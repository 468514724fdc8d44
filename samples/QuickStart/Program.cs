using MetaNlp.Api;
using MetaNlp.Data;

// Five labelled examples per intent (samples/support.csv), or your own CSV with text,label columns.
var examples = DatasetFile.Load(args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "support.csv"), "csv").All;
using var classifier = FewShotClassifier.FromPretrained("minilm").Fit(examples);
foreach (var p in classifier.Predict(["can you pay the cable bill", "speak to me in german", "where can I leave my car downtown", "how do you say thank you in japanese"]))
    Console.WriteLine($"{p.Label,-16} {p.Probability,6:P1}  {p.Text}");
classifier.Save("quickstart.ckpt");                         // one checkpoint file: model + examples
using var again = FewShotClassifier.Load("quickstart.ckpt");  // `metanlp predict --model quickstart.ckpt` reads it too
Console.WriteLine($"reloaded: {again.Predict("please pay my water bill").Label}");
