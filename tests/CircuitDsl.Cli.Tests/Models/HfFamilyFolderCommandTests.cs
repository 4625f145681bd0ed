using System.Text.Json;
using CircuitDsl.TestSupport;

namespace CircuitDsl.Cli.Tests.Models;

/// <summary>`circuit model info` and `circuit model run` on random Hugging Face folders of the newer families.</summary>
public class HfFamilyFolderCommandTests
{
    static string Write(TempFolder dir, HfFamilyArch arch, string tokenizerStyle)
    {
        using var checkpoint = new RandomHfCheckpoint(arch, seed: 3);
        checkpoint.Write(dir.Path);
        if (tokenizerStyle == "sentencepiece") File.WriteAllBytes(dir.File("tokenizer.model"), TinyTokenizerFiles.SentencePieceModel());
        else File.WriteAllText(dir.File("tokenizer.json"), TinyTokenizerFiles.ByteLevelJson(tokenizerStyle).ToJsonString());
        return dir.Path;
    }

    [Test]
    public void InfoDescribesALlamaFolder()
    {
        using var dir = new TempFolder();
        Write(dir, HfFamilyArch.Llama with { KvHeads = 2, Vocab = 300, RopeTheta = 500_000, Llama3 = (8, 1, 4, 64) }, "llama3");
        var (code, output, error) = CliRunner.Run("model", "info", dir.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("Hugging Face Llama (model_type llama)"));
        Assert.That(output, Does.Contain("2 layers x 4 heads, 2 key/value heads (grouped-query), d_model 48, d_head 12, d_mlp 96 (gated Silu)"));
        Assert.That(output, Does.Contain("RMSNorm (eps 0.000001)"));
        Assert.That(output, Does.Contain("rotary on all dims of each head, base 500000, llama3 scaling (factor 8, low 1, high 4, original context 64)"));
        Assert.That(output, Does.Contain("byte-level BPE from tokenizer.json, BOS 1 first"));
        Assert.That(output, Does.Contain("blocks.1.attn.hook_rot_q").Or.Contain("blocks.1.attn.hook_q"));
        Assert.That(output, Does.Not.Contain("GPT-2 family"));
    }

    [Test]
    public void InfoDescribesAGemma2Folder()
    {
        using var dir = new TempFolder();
        Write(dir, HfFamilyArch.Gemma2, "sentencepiece");
        var (code, output, error) = CliRunner.Run("model", "info", dir.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("Hugging Face Gemma-2 (model_type gemma2)"));
        Assert.That(output, Does.Contain("sandwich norms"));
        Assert.That(output, Does.Contain("scores soft-capped at 5; sliding window 4 on layers [0]"));
        Assert.That(output, Does.Contain("embeddings x 6.928203; logits soft-capped at 3"));
        Assert.That(output, Does.Contain("unembedding tied to W_E"));
        Assert.That(output, Does.Contain("SentencePiece from tokenizer.model, BOS 2 first"));
        Assert.That(output, Does.Contain("blocks.0.ln1_post.hook_scale"));
    }

    [Test]
    public void InfoDescribesAGptNeoxFolder()
    {
        using var dir = new TempFolder();
        Write(dir, HfFamilyArch.GptNeox with { Vocab = 300 }, "neox");
        var (code, output, error) = CliRunner.Run("model", "info", dir.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("rotary on 6 of 12 dims").And.Contain("parallel: x + attn(ln1(x)) + mlp(ln2(x))").And.Contain("LayerNorm"));
        Assert.That(output, Does.Contain("byte-level BPE from tokenizer.json, no BOS"));
    }

    [TestCase("llama3", "--text", "hello world", null)]
    [TestCase("sentencepiece", "--text", "hello world", new[] { 1, 15, 20 })]
    [TestCase("sentencepiece", "--tokens", "1 15 20", new[] { 1, 15, 20 })]
    public void RunTokenizesTextWithTheFolderTokenizer(string style, string option, string value, int[]? expected)
    {
        using var dir = new TempFolder();
        Write(dir, HfFamilyArch.Mistral with { Vocab = 300 }, style);
        var (code, output, error) = CliRunner.Run("model", "run", dir.Path, option, value, "--format", "json");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        using var json = JsonDocument.Parse(output);
        var tokens = json.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        // BOS 1 (config.json), then the tiny BPE's "hello" and " world".
        expected ??= [1, TinyTokenizerFiles.Id("hello"), TinyTokenizerFiles.Id("Ġworld")];
        Assert.That(tokens, Is.EqualTo(expected));
        Assert.That(json.RootElement.GetProperty("logits")[0].GetArrayLength(), Is.EqualTo(300));
    }

    // SentencePiece puts the word-start marker before a text itself, so its answers are written without the space.
    [TestCase("sentencepiece", "world", "hello")]
    [TestCase("llama3", " world", "hello")]
    public void CheckReadsTextPromptsAndOneTokenTextAnswersOnAFolderWithABeginOfSentenceId(string style, string good, string bad)
    {
        // The prompt gets the BOS id first; an answer continues it, so it stays one token.
        using var dir = new TempFolder();
        Write(dir, HfFamilyArch.Mistral with { Vocab = 300 }, style);
        string Line(string prompt, string answer, string wrong) =>
            $$$"""{"prompt": "{{{prompt}}}", "answer": "{{{answer}}}", "wrong_answer": "{{{wrong}}}", "counterfactual": [1, 4, 5], "positions": {"END": -1}}""";
        File.WriteAllText(dir.File("prompts.jsonl"), Line("hello world", good, bad) + "\n");
        File.WriteAllText(dir.File("claims.circuit"), "model \"" + dir.Path + "\"\ndata jsonl(\"prompts.jsonl\", seed: 1, positions: [END], answers: [GOOD, BAD])\nmetric logit_diff(GOOD, BAD) at END\n\n" +
            "hypothesis behaviour {\n  expect model metric >= -1000\n  expect path L1.H0 -> logits effect >= -1000\n}\n");
        var (code, output, error) = CliRunner.Run("check", "--no-progress", "--no-cache", dir.File("claims.circuit"), "--format", "json");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), output + error);
        using var report = JsonDocument.Parse(output);
        var checks = report.RootElement.GetProperty("files")[0].GetProperty("hypotheses")[0].GetProperty("checks").EnumerateArray().ToArray();
        Assert.That(checks, Has.Length.EqualTo(2));
    }
}
