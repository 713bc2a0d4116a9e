using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Tests
{
    /// <summary>
    /// docs/diagnostics.md is what every diagnostic's help link opens: each descriptor the generator assembly declares has a
    /// section there under its anchor, and each section's wrong and right declarations do what the section says.
    /// </summary>
    public class DiagnosticDocsTests
    {
        private const string DocsUrl = "https://github.com/compiled-nn/compiled/blob/main/docs/diagnostics.md";

        /// <summary>Every <see cref="DiagnosticDescriptor"/> in a static field of any type of the generator assembly (so a new one is found without being listed anywhere).</summary>
        public static IEnumerable<object[]> Descriptors() =>
            typeof(NetworkGenerator).Assembly.GetTypes()
                .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
                .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
                .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
                .GroupBy(d => d.Id)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new object[] { g.Key, g.First().HelpLinkUri });

        [Fact]
        public void TheGeneratorDeclaresDescriptors()
        {
            Assert.True(Descriptors().Count() >= 23);
        }

        [Theory]
        [MemberData(nameof(Descriptors))]
        public void HelpLinkOpensTheDiagnosticsSectionOfItsId(string id, string helpLink)
        {
            string anchor = id.ToLowerInvariant();
            Assert.Equal($"{DocsUrl}#{anchor}", helpLink);
            Assert.True(
                Headings().Contains(anchor),
                $"docs/diagnostics.md has no section '## {id}' (anchor #{anchor}), the target of {id}'s help link. Add one with a wrong and a right declaration.");
            Assert.Contains($"| [{id}](#{anchor}) |", Docs());
        }

        [Fact]
        public void EachSectionsExamplesReportItsIdOrNothing()
        {
            int checkedSections = 0;
            foreach ((string id, List<string> snippets) in CodeBySection())
            {
                string wrong = Assert.Single(snippets, s => s.Contains("// " + id, StringComparison.Ordinal));
                string right = Assert.Single(snippets, s => s.Contains("// fine", StringComparison.Ordinal));

                // The wrong example reports exactly the IDs its comments name: its own, and any other it also triggers.
                string[] named = Regex.Matches(wrong, "// .*").SelectMany(c => Regex.Matches(c.Value, "CN[0-9]{4}")).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal).ToArray();
                (GeneratorRunResult wrongResult, _) = GeneratorHarness.Run("using Compiled;\n" + Expand(wrong));
                Assert.True(
                    wrongResult.Diagnostics.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal).SequenceEqual(named),
                    $"The wrong example of {id} reports [{string.Join(", ", wrongResult.Diagnostics.Select(d => d.Id))}]:\n{wrong}");

                (GeneratorRunResult rightResult, _) = GeneratorHarness.Run("using Compiled;\n" + Expand(right));
                Assert.True(
                    rightResult.Diagnostics.IsEmpty,
                    $"The right example of {id} reports [{string.Join(", ", rightResult.Diagnostics.Select(d => d.Id))}]:\n{right}");
                Assert.Single(rightResult.GeneratedSources);
                checkedSections++;
            }

            Assert.Equal(Descriptors().Count(), checkedSections);
        }

        /// <summary>
        /// Expands the one abbreviation the examples use, an attribute followed by <c>/* N times */</c> (CN0027's thousand
        /// layers), into the attribute written N times.
        /// </summary>
        private static string Expand(string snippet) =>
            Regex.Replace(snippet, @"(\[[^\]]+\]) /\* ([0-9]+) times \*/", m => string.Join(" ", Enumerable.Repeat(m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))));

        private static string Docs() =>
            File.ReadAllText(Path.Combine(DiagnosticTests.SourceDirectory(), "..", "..", "docs", "diagnostics.md"));

        /// <summary>The anchors GitHub makes for the document's headings: lower case, punctuation dropped, spaces to hyphens.</summary>
        private static HashSet<string> Headings()
        {
            var anchors = new HashSet<string>(StringComparer.Ordinal);
            foreach (string line in Docs().Split('\n'))
            {
                Match heading = Regex.Match(line.TrimEnd('\r'), "^#{1,6} +(.+?) *$");
                if (heading.Success)
                {
                    var anchor = new StringBuilder();
                    foreach (char c in heading.Groups[1].Value.ToLowerInvariant())
                    {
                        if (char.IsLetterOrDigit(c) || c is '-' or '_')
                        {
                            anchor.Append(c);
                        }
                        else if (c == ' ')
                        {
                            anchor.Append('-');
                        }
                    }

                    anchors.Add(anchor.ToString());
                }
            }

            return anchors;
        }

        /// <summary>For each <c>## CNxxxx</c> section, the declarations of its code blocks, split at blank lines.</summary>
        private static IEnumerable<(string Id, List<string> Snippets)> CodeBySection()
        {
            string? id = null;
            List<string>? snippets = null;
            StringBuilder? current = null;
            bool inCode = false;
            foreach (string raw in Docs().Split('\n'))
            {
                string line = raw.TrimEnd('\r');
                Match heading = Regex.Match(line, "^## (CN[0-9]{4})$");
                if (heading.Success)
                {
                    if (id is not null)
                    {
                        yield return (id, snippets!);
                    }

                    id = heading.Groups[1].Value;
                    snippets = new List<string>();
                    continue;
                }

                if (line.StartsWith("```", StringComparison.Ordinal))
                {
                    inCode = !inCode;
                    current = inCode ? new StringBuilder() : null;
                    continue;
                }

                if (inCode && snippets is not null)
                {
                    if (line.Length == 0)
                    {
                        current = new StringBuilder();
                        continue;
                    }

                    if (current!.Length == 0)
                    {
                        snippets.Add(string.Empty);
                    }

                    current.AppendLine(line);
                    snippets[^1] = current.ToString();
                }
            }

            if (id is not null)
            {
                yield return (id, snippets!);
            }
        }
    }
}
