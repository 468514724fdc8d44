using MetaNlp.Encoders;
using MetaNlp.Pretrained;
using MetaNlp.Text;

namespace MetaNlp.Tests.Encoders;

/// <summary>The pretrained MiniLM weights and tokenizer, read once per test class (reading the ONNX model takes about a second).</summary>
public sealed class MiniLmFixture
{
    public MiniLmFixture()
    {
        TorchSharp.torch.set_num_threads(1); // the machine's cores are shared; one LibTorch thread keeps the timings honest
        Weights = MiniLmWeights.Load();
        Tokenizer = BertWordPieceTokenizer.MiniLm();
    }

    public OnnxWeights Weights { get; }

    public BertWordPieceTokenizer Tokenizer { get; }

    /// <summary>A new encoder from the shared weights: 0 frozen, N top layers trainable, -1 everything.</summary>
    public MiniLmEncoder Encoder(int fineTuneLayers, double dropout = 0) =>
        new(Weights, new EncoderOptions { Kind = MiniLmEncoder.KindName, FineTuneLayers = fineTuneLayers, Dropout = dropout });
}
