using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Compiled.Serialization;

namespace Compiled.Runtime.Tests.Serialization
{
    /// <summary>Saving into folders that refuse it, and the temporary files of killed saves (issue 11).</summary>
    public class SavingTests
    {
        private static readonly Action<FakeNetwork, string>[] Savers =
        {
            (network, path) => ModelFile.Save(network, path),
            (network, path) => SafeTensors.Export(network, path),
        };

        [Fact]
        public void AMissingFolderIsAnIOExceptionNamingTheTarget()
        {
            using var folder = new TempFolder();
            foreach (Action<FakeNetwork, string> save in Savers)
            {
                string target = Path.Combine(folder.Path, "missing", "deeper", "model.cmpl");
                var exception = Assert.Throws<DirectoryNotFoundException>(() => save(FakeNetwork.Tiny().Fill(1), target));
                Assert.Contains($"'{target}'", exception.Message);
                Assert.Contains("does not exist", exception.Message);
                Assert.DoesNotContain(".tmp", exception.Message);
                Assert.IsAssignableFrom<IOException>(exception);
            }
        }

        [Fact]
        public void AFolderThatRefusesWritesIsAnIOExceptionNamingTheTarget()
        {
            var targets = new List<string>();
            if (OperatingSystem.IsLinux() && Directory.Exists("/sys"))
            {
                targets.Add("/sys/compiled-test-model.cmpl"); // refused even to root (EACCES)
            }

            using var folder = new TempFolder();
            if (!OperatingSystem.IsWindows() && Environment.UserName != "root")
            {
                string readOnly = Path.Combine(folder.Path, "read-only");
                Directory.CreateDirectory(readOnly);
                File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);
                targets.Add(Path.Combine(readOnly, "model.cmpl"));
            }

            Assert.NotEmpty(targets);
            foreach (string target in targets)
            {
                foreach (Action<FakeNetwork, string> save in Savers)
                {
                    Exception? exception = Record.Exception(() => save(FakeNetwork.Tiny().Fill(2), target));
                    Assert.IsType<IOException>(exception);
                    Assert.Contains($"'{target}'", exception.Message);
                    Assert.Contains("denied", exception.Message);
                    Assert.IsType<UnauthorizedAccessException>(exception.InnerException);
                    Assert.False(File.Exists(target));
                }
            }

            // The same through the write itself (a file system that refuses data mid-way): an IOException naming the
            // target, the previous file intact, no temporary file left.
            string path = folder.File("model.cmpl");
            ModelFile.Save(FakeNetwork.Tiny().Fill(3), path);
            byte[] before = File.ReadAllBytes(path);
            var refused = Assert.Throws<IOException>(() => ModelFile.Save(FakeNetwork.Tiny().Fill(4), path, _ => throw new UnauthorizedAccessException("Injected: access denied.")));
            Assert.Contains($"'{path}'", refused.Message);
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path).Where(f => !f.EndsWith("read-only", StringComparison.Ordinal)));
        }

        /// <summary>The pattern of our temporary names, written independently of the code under test.</summary>
        private static bool IsOurs(string fileName, string target) =>
            Regex.IsMatch(fileName, "^\\." + Regex.Escape(target) + "\\.[a-z0-9]{8}\\.[a-z0-9]{3}\\.tmp$");

        [Fact]
        public void StaleTemporaryFilesOfTheSameTargetAreDeletedByTheNextSave()
        {
            // Killed saves of model.cmpl left temporary files; other files look alike. 20 rounds of 20 random candidates:
            // after a save, exactly our temporary files of this target older than a minute are gone.
            using var folder = new TempFolder();
            const string target = "model.cmpl";
            string path = folder.File(target);
            var random = new Random(1109);
            const string lower = "abcdefghijklmnopqrstuvwxyz0123456789";
            string Random(int n, string alphabet = lower) => new(Enumerable.Range(0, n).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            int deleted = 0, kept = 0;
            for (int round = 0; round < 20; round++)
            {
                var candidates = new Dictionary<string, bool>(); // name -> old
                for (int i = 0; i < 20; i++)
                {
                    string name = (i % 10) switch
                    {
                        0 or 1 or 2 or 3 => $".{target}.{Path.GetRandomFileName()}.tmp",                  // ours
                        4 => $".other.cmpl.{Path.GetRandomFileName()}.tmp",                                  // another target
                        5 => $"{target}.{Path.GetRandomFileName()}.tmp",                                     // no leading dot
                        6 => $".{target}.{Random(8, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")}.{Random(3)}.tmp",       // upper case
                        7 => $".{target}.{Random(random.Next(1, 12))}.tmp",                                  // another length
                        8 => $".{target}.{Path.GetRandomFileName()}.tmp.{Random(3)}",                        // another ending
                        _ => $".{target}x.{Path.GetRandomFileName()}.tmp",                                   // a longer target name
                    };
                    candidates[name] = random.Next(2) == 0;
                }

                foreach (var (name, old) in candidates)
                {
                    string file = folder.File(name);
                    File.WriteAllBytes(file, new byte[] { 1, 2, 3 });
                    File.SetLastWriteTimeUtc(file, DateTime.UtcNow - (old ? TimeSpan.FromMinutes(random.Next(2, 10_000)) : TimeSpan.FromSeconds(random.Next(0, 50))));
                }

                Savers[round % 2](FakeNetwork.Tiny().Fill(round), path);
                foreach (var (name, old) in candidates)
                {
                    bool shouldGo = old && IsOurs(name, target);
                    Assert.True(shouldGo != File.Exists(folder.File(name)), $"{name} (old: {old})");
                    Assert.Equal(IsOurs(name, target), AtomicFile.IsTemporaryName(name, target));
                    deleted += shouldGo ? 1 : 0;
                    kept += shouldGo ? 0 : 1;
                    File.Delete(folder.File(name));
                }
            }

            Assert.True(deleted > 50 && kept > 200, $"{deleted} deleted, {kept} kept");
            FakeNetwork loaded = FakeNetwork.Tiny();
            SafeTensors.Import(loaded, path);
            Assert.Equal(FakeNetwork.Tiny().Fill(19).ParameterBits(), loaded.ParameterBits());
        }
    }
}
