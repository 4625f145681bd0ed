using System.Diagnostics;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using static CircuitDsl.Runtime.Tests.Weights.ConfigTestFolders;

namespace CircuitDsl.Runtime.Tests.Weights;

/// <summary>A config.json (or another file of the folder) that is not a small regular file of one JSON object is refused, naming it.</summary>
public class ConfigFileTests
{
    TempDir dir = null!;
    string config = null!;

    [SetUp]
    public void CreateFolder()
    {
        dir = new TempDir();
        config = dir.File(ModelFolder.ConfigFile);
    }

    [TearDown]
    public void RemoveFolder() => dir.Dispose();

    string Refusal(Action action)
    {
        var e = Assert.Throws<ModelFormatException>(() => action())!;
        return e.Message;
    }

    string ConfigRefusal()
    {
        string message = Refusal(() => ModelLoader.ReadConfig(dir.Path));
        Assert.That(message, Does.StartWith(config));
        Assert.That(Refusal(() => ModelLoader.Load(dir.Path).Dispose()), Is.EqualTo(message));
        return message;
    }

    [TestCase("{ not json", "not valid JSON")]
    [TestCase("[1, 2]", "the config must be a JSON object")]
    [TestCase("null", "the config must be a JSON object")]
    [TestCase("""{"name":"a","name":"b"}""", "Duplicate property 'name'")]
    [TestCase("", "not valid JSON")]
    public void ConfigTextThatIsNotOneObject(string text, string expected)
    {
        File.WriteAllText(config, text);
        Assert.That(ConfigRefusal(), Does.Contain(expected));
    }

    [Test]
    public void AConfigAboveTheSizeLimitIsRefusedByItsLength()
    {
        File.WriteAllText(config, "{}" + new string(' ', (int)ResourceLimits.MaxConfigFileBytes - 1));
        Assert.That(ConfigRefusal(), Does.Contain($"{ResourceLimits.MaxConfigFileBytes + 1:N0} bytes, over the limit of {ResourceLimits.MaxConfigFileBytes:N0}").And.Contain("ResourceLimits.MaxConfigFileBytes"));
    }

    [Test]
    public void AConfigThatIsAFolder()
    {
        Directory.CreateDirectory(config);
        Assert.That(ConfigRefusal(), Does.Contain("is a folder, not a file"));
    }

    [Test]
    public void AMissingConfig() => Assert.That(ConfigRefusal(), Does.Contain("missing"));

    [Test]
    public void AConfigLinkedToAnEndlessDeviceIsRefusedWithoutReading()
    {
        Assume.That(OperatingSystem.IsLinux(), "/dev/zero and statx are Linux's");
        File.CreateSymbolicLink(config, "/dev/zero");
        Assert.That(ConfigRefusal(), Does.Contain("is a character device, not a regular file"));
    }

    [Test]
    public void AConfigThatIsANamedPipeIsRefusedWithoutOpeningIt()
    {
        // Opening a FIFO for reading blocks until someone writes: refusing it must not open it.
        Assume.That(OperatingSystem.IsLinux(), "statx is Linux's");
        using (var mkfifo = Process.Start("mkfifo", config)) mkfifo.WaitForExit();
        Assume.That(File.Exists(config), "mkfifo made the pipe");

        var refusal = Task.Run(() => Refusal(() => ModelLoader.ReadConfig(dir.Path)));
        Assert.That(refusal.Wait(TimeSpan.FromSeconds(20)), Is.True, "reading the config blocked on the pipe");
        Assert.That(refusal.Result, Does.Contain("is a FIFO (named pipe), not a regular file"));
    }

    [TestCase(ModelFolder.TokenizerFile)]
    [TestCase(ModelFolder.CardFile)]
    [TestCase(ModelFolder.WeightsFile)]
    public void TheOtherFilesOfAZooFolderAreCheckedAlike(string file)
    {
        Assume.That(OperatingSystem.IsLinux(), "/dev/zero and statx are Linux's");
        WriteConfig(dir.Path, ZooConfig());
        File.WriteAllText(dir.File(ModelFolder.TokenizerFile), """{"kind":"integer","vocab_size":5}""");
        File.WriteAllBytes(dir.File(ModelFolder.WeightsFile), ZeroTensors(ParameterShapes.Of(ModelLoader.ReadConfig(dir.Path))));
        File.Delete(dir.File(file));
        File.CreateSymbolicLink(dir.File(file), "/dev/zero");

        Assert.That(Refusal(() => ModelLoader.Load(dir.Path).Dispose()), Does.StartWith(dir.File(file)).And.Contain("character device"));
    }
}
