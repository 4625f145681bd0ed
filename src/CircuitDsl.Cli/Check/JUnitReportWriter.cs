using System.Xml.Linq;

namespace CircuitDsl.Cli.Check;

/// <summary>JUnit XML so that any CI lists expectations as tests: a suite per file, a test case per expectation.
/// A file with errors is one failing case per error; an expectation of a skipped hypothesis is a skipped case.</summary>
public static class JUnitReportWriter
{
    public static string Write(CheckReport report)
    {
        var suites = report.Files.Select(file =>
        {
            var cases = new List<XElement>();
            foreach (var d in file.Diagnostics.Where(d => d.IsError))
                // The case belongs to the file that was checked; its text points where the error is (maybe an imported file).
                cases.Add(new XElement("testcase", new XAttribute("classname", file.Path), new XAttribute("name", $"{d.Code} at {d.File}:{d.Line}:{d.Column}"),
                    new XElement("error", new XAttribute("message", d.Message), $"{d.File}:{d.Line}:{d.Column}: {d.Code}: {d.Message}")));
            foreach (var h in file.Hypotheses)
                foreach (var c in h.Checks.Where(c => c.Expectation is not null))
                {
                    var e = c.Expectation!;
                    var testCase = new XElement("testcase", new XAttribute("classname", $"{file.Path}.{h.Name}"), new XAttribute("name", $"{c.Result.Name}: {e.Statement}"),
                        new XAttribute("time", "0"));
                    if (!e.Passed)
                        testCase.Add(new XElement("failure", new XAttribute("message", $"{Verdict.Of(e)}: {e.Statistic.Spelling()} = {ReportFormatting.WithInterval(e.Value)}; expected {e.Operator.Spelling()} {ReportFormatting.Number(e.Threshold)}"),
                            $"{e.File}:{e.Line}:{e.Column}: {e.Statement}: measured {ReportFormatting.WithInterval(e.Value)} ({c.Result.Kind}; {ReportFormatting.Method(c, 2_000)})"));
                    cases.Add(testCase);
                }
            foreach (var s in file.Skipped)
                // A hypothesis without expectations is still one case, so that the skip shows.
                foreach (string statement in s.Expectations.DefaultIfEmpty(s.Name))
                    cases.Add(new XElement("testcase", new XAttribute("classname", $"{file.Path}.{s.Name}"), new XAttribute("name", statement),
                        new XAttribute("time", "0"), new XElement("skipped", new XAttribute("message", s.Reason))));
            return new XElement("testsuite", new XAttribute("name", file.Path), new XAttribute("tests", cases.Count),
                new XAttribute("failures", cases.Count(x => x.Element("failure") is not null)),
                new XAttribute("errors", cases.Count(x => x.Element("error") is not null)),
                new XAttribute("skipped", cases.Count(x => x.Element("skipped") is not null)), cases);
        }).ToList();
        var root = new XElement("testsuites", new XAttribute("name", "circuit check"),
            new XAttribute("tests", suites.Sum(s => (int)s.Attribute("tests")!)),
            new XAttribute("failures", suites.Sum(s => (int)s.Attribute("failures")!)),
            new XAttribute("errors", suites.Sum(s => (int)s.Attribute("errors")!)),
            new XAttribute("skipped", suites.Sum(s => (int)s.Attribute("skipped")!)), suites);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root).Declaration + "\n" + root + "\n";
    }
}
