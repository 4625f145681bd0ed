namespace CircuitDsl.Zoo.Tests;

/// <summary><c>hf:</c> references resolve in a cache laid out as huggingface_hub lays it out, and never anywhere else.</summary>
public class HuggingFaceCacheTests
{
    const string Commit = "0123456789abcdef0123456789abcdef01234567";
    const string OtherCommit = "fedcba9876543210fedcba9876543210fedcba98";
    string root = "";

    [SetUp]
    public void LayOutCache()
    {
        root = Path.Combine(Path.GetTempPath(), "hf-cache-" + Guid.NewGuid().ToString("N"));
        Snapshot("models--openai-community--gpt2", Commit, refs: ("main", Commit));
        Snapshot("models--openai-community--gpt2", OtherCommit, refs: ("v1.0", OtherCommit));
        Snapshot("models--gpt2", Commit, refs: ("main", Commit + "\n"));
    }

    [TearDown]
    public void RemoveCache() => Directory.Delete(root, recursive: true);

    void Snapshot(string repository, string commit, (string Name, string Commit) refs)
    {
        string snapshot = Path.Combine(root, "hub", repository, "snapshots", commit);
        Directory.CreateDirectory(snapshot);
        File.WriteAllText(Path.Combine(snapshot, "config.json"), "{}");
        string refFile = Path.Combine(root, "hub", repository, "refs", refs.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(refFile)!);
        File.WriteAllText(refFile, refs.Commit);
    }

    Func<string, string?> Env(string? hubCache = null, string? hfHome = null, string? home = null) => name => name switch
    {
        "HF_HUB_CACHE" => hubCache,
        "HF_HOME" => hfHome,
        "HOME" => home,
        _ => null,
    };

    string Hub => Path.Combine(root, "hub");

    [TestCase("hf:openai-community/gpt2", "models--openai-community--gpt2", Commit)]
    [TestCase("hf:openai-community/gpt2@main", "models--openai-community--gpt2", Commit)]
    [TestCase("hf:openai-community/gpt2@v1.0", "models--openai-community--gpt2", OtherCommit)]
    [TestCase("hf:openai-community/gpt2@" + OtherCommit, "models--openai-community--gpt2", OtherCommit)]
    [TestCase("hf:gpt2", "models--gpt2", Commit)]
    public void AReferenceResolvesToItsSnapshot(string reference, string repository, string commit)
    {
        string folder = HuggingFaceCache.Resolve(reference, Env(hubCache: Hub));

        Assert.That(folder, Is.EqualTo(Path.Combine(Hub, repository, "snapshots", commit)));
    }

    [Test]
    public void TheCacheFolderFollowsHuggingFaceHubsOrder()
    {
        Assert.That(HuggingFaceCache.Root(Env(hubCache: "/a", hfHome: "/b", home: "/c")), Is.EqualTo("/a"));
        Assert.That(HuggingFaceCache.Root(Env(hfHome: "/b", home: "/c")), Is.EqualTo(Path.Combine("/b", "hub")));
        Assert.That(HuggingFaceCache.Root(Env(home: "/c")), Is.EqualTo(Path.Combine("/c", ".cache", "huggingface", "hub")));
        Assert.That(HuggingFaceCache.Resolve("hf:gpt2", Env(hfHome: root)), Does.StartWith(Hub));
        Assert.That(HuggingFaceCache.Resolve("hf:gpt2", Env(home: Path.Combine(root, "user-without-cache"), hfHome: root)), Does.StartWith(Hub));
    }

    [TestCase("hf:EleutherAI/pythia-70m", "models--EleutherAI--pythia-70m does not exist", "huggingface-cli download EleutherAI/pythia-70m`")]
    [TestCase("hf:openai-community/gpt2@v2.0", "refs/v2.0 does not exist", "huggingface-cli download openai-community/gpt2 --revision v2.0`")]
    [TestCase("hf:openai-community/gpt2@" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "snapshots/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa does not exist", "--revision aaaa")]
    public void AModelThatIsNotThereNamesTheFolderAndTheFetchCommand(string reference, string folder, string command)
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => HuggingFaceCache.Resolve(reference, Env(hubCache: Hub)));

        Assert.That(error!.Message, Does.Contain(folder).And.Contain(command).And.Contain(Hub));
    }

    [TestCase("hf:")]
    [TestCase("hf:a/b/c")]
    [TestCase("hf:../etc")]
    [TestCase("hf:org/..")]
    [TestCase("hf:gpt2@")]
    [TestCase("hf:gpt2@../../x")]
    [TestCase("hf:gpt 2")]
    public void AMalformedReferenceIsRefusedBeforeAnyFileIsRead(string reference)
    {
        Assert.Throws<ArgumentException>(() => HuggingFaceCache.Parse(reference));
    }

    [Test]
    public void ARefFileThatHoldsNoCommitIsReported()
    {
        File.WriteAllText(Path.Combine(Hub, "models--gpt2", "refs", "main"), "not a commit");

        var error = Assert.Throws<DirectoryNotFoundException>(() => HuggingFaceCache.Resolve("hf:gpt2", Env(hubCache: Hub)));

        Assert.That(error!.Message, Does.Contain("does not hold a commit hash"));
    }

    [Test]
    public void TheZooCatalogResolvesHfReferencesThroughTheCache()
    {
        string? saved = Environment.GetEnvironmentVariable("HF_HUB_CACHE");
        try
        {
            Environment.SetEnvironmentVariable("HF_HUB_CACHE", Hub);
            Assert.That(ZooCatalog.ResolvePath("hf:gpt2"), Is.EqualTo(Path.Combine(Hub, "models--gpt2", "snapshots", Commit)));
            Assert.Throws<DirectoryNotFoundException>(() => ZooCatalog.ResolvePath("hf:a/b/c"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_HUB_CACHE", saved);
        }
    }
}
