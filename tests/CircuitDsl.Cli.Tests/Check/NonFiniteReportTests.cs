using System.Text.Json;
using System.Xml.Linq;
using CircuitDsl.Cli.Check;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// NaN and ±Infinity in any number of an expectation (value, low, high, threshold): every format still writes a whole,
/// valid report; JSON writes null and follows the schema; the human formats spell the number out; a statistic
/// that is not finite fails and says why.
/// </summary>
public class NonFiniteReportTests
{
    static readonly double[] NonFinite = [double.NaN, double.PositiveInfinity, double.NegativeInfinity];
    static readonly string[] Fields = ["value", "low", "high", "threshold"];

    static IEnumerable<TestCaseData> Cases() =>
        from field in Fields from number in NonFinite select new TestCaseData(field, number).SetArgDisplayNames(field, number.ToString());

    static ExpectationEntry With(string field, double number) => ReportSamples.Expectation(">=", field == "threshold" ? number : 0.5,
        field == "value" ? number : 0.6, field == "low" ? number : 0.55, field == "high" ? number : 0.65);

    [TestCaseSource(nameof(Cases))]
    public void JsonWritesNullAndFollowsTheSchema(string field, double number)
    {
        var report = ReportSamples.With(With(field, number));
        using var json = JsonDocument.Parse(ReportSamples.Render("json", report));
        Assert.That(JsonSchemaValidator.Validate(ReportSchemaTests.Schema, json.RootElement), Is.Empty);
        var check = json.RootElement.GetProperty("files")[0].GetProperty("hypotheses")[0].GetProperty("checks")[0];
        var holder = field == "threshold" ? check.GetProperty("expectation") : check.GetProperty("statistics").GetProperty("recovers");
        Assert.That(holder.GetProperty(field).ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [TestCaseSource(nameof(Cases))]
    public void EveryFormatWritesAWholeReportThatNamesTheNumber(string field, double number)
    {
        var report = ReportSamples.With(With(field, number));
        string spelt = ReportFormatting.Number(number);
        Assert.That(spelt, Is.EqualTo(double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity"));
        foreach (string format in ReportSamples.Formats)
        {
            string rendered = ReportSamples.Render(format, report);
            switch (format)
            {
                case "json" or "sarif":
                    Assert.DoesNotThrow(() => JsonDocument.Parse(rendered).Dispose(), format);
                    break;
                case "junit":
                    Assert.That(XDocument.Parse(rendered).Root!.Name.LocalName, Is.EqualTo("testsuites"));
                    break;
                case "github":
                    Assert.That(rendered, report.AllExpectationsHold ? Is.Empty : Does.StartWith("::error "), "annotations for failures only");
                    break;
                default:
                    Assert.That(rendered, Does.Contain("expect scrub recovers"), format);
                    break;
            }
        }
        // Text and Markdown show every number of the expectation; JUnit and GitHub show them when it fails.
        Assert.That(ReportSamples.Render("text", report), Does.Contain(spelt));
        Assert.That(ReportSamples.Render("markdown", report), Does.Contain(spelt));
    }

    [TestCase(double.NaN, "NaN")]
    [TestCase(double.PositiveInfinity, "Infinity")]
    [TestCase(double.NegativeInfinity, "-Infinity")]
    public void AStatisticThatIsNotFiniteFailsAndSaysWhy(double number, string spelt)
    {
        var e = With("value", number);
        Assert.That(e.Passed, Is.False, "+Infinity >= 0.5, but an undefined number proves nothing");
        var report = ReportSamples.With(e);
        string why = $"FAIL (statistic is {spelt})";
        foreach (string format in new[] { "text", "markdown", "junit", "github", "sarif" })
            Assert.That(ReportSamples.Render(format, report), Does.Contain(why), format);
        Assert.That(report.AllExpectationsHold, Is.False);
    }
}
