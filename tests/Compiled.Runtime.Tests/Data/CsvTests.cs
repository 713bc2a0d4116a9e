using System;
using System.IO;
using System.IO.Compression;
using System.Text;
using Compiled.Data;
using Compiled.Runtime.Tests.Serialization;

namespace Compiled.Runtime.Tests.Data
{
    public class CsvTests
    {
        private static Dataset Parse(string text, CsvOptions? options = null) => Csv.Read(new StringReader(text), options, "test.csv");

        private static DataFormatException Fails(string text, long line, int? column, string fragment, CsvOptions? options = null)
        {
            var exception = Assert.Throws<DataFormatException>(() => Parse(text, options));
            Assert.Equal("test.csv", exception.FilePath);
            Assert.Equal(line, exception.Line);
            Assert.Equal(column, exception.Column);
            string where = column is null ? $"line {line}:" : $"line {line}, column {column}:";
            Assert.Contains("'test.csv', " + where, exception.Message);
            Assert.Contains(fragment, exception.Message);
            return exception;
        }

        [Fact]
        public void ReadsFeaturesAndALabelInTheLastColumn()
        {
            Dataset data = Parse("1,2,3,0\n4.5, -5 ,6e1,2\r\n\n  \n7,8,9,1\n");
            Assert.Equal(3, data.Count);
            Assert.Equal(3, data.FeatureCount);
            Assert.Equal(new[] { 1f, 2f, 3f, 4.5f, -5f, 60f, 7f, 8f, 9f }, data.Features);
            Assert.Equal(new[] { 0, 2, 1 }, data.Labels);
            Assert.Null(data.Targets);
        }

        [Fact]
        public void OptionsChooseSeparatorHeaderAndLabelColumn()
        {
            Dataset data = Parse("label;x;y\n\"3\";0.5;\"1.5\"\n1.0;2;3\n", new CsvOptions { Separator = ';', HeaderLines = 1, LabelColumn = 0 });
            Assert.Equal(new[] { 3, 1 }, data.Labels);
            Assert.Equal(new[] { 0.5f, 1.5f, 2f, 3f }, data.Features);

            data = Parse("1\t9\t2\n3\t8\t4\n", new CsvOptions { Separator = '\t', LabelColumn = -2 });
            Assert.Equal(new[] { 9, 8 }, data.Labels);
            Assert.Equal(new[] { 1f, 2f, 3f, 4f }, data.Features);

            data = Parse("# comment line\nx,y\n1,2,3,4\n5,6,7,8\n", new CsvOptions { HeaderLines = 2, TargetColumns = 2 });
            Assert.Null(data.Labels);
            Assert.Equal(2, data.FeatureCount);
            Assert.Equal(2, data.TargetCount);
            Assert.Equal(new[] { 1f, 2f, 5f, 6f }, data.Features);
            Assert.Equal(new[] { 3f, 4f, 7f, 8f }, data.Targets);
        }

        [Fact]
        public void ReadsGzipFilesStreamsAndPlainFiles()
        {
            string gz = TempFolder.Fixture("csv", "small.csv.gz");
            foreach (Dataset data in new[]
            {
                Csv.Read(gz, new CsvOptions { HeaderLines = 1 }),
                Csv.Read(new NonSeekableStream(File.ReadAllBytes(gz)), new CsvOptions { HeaderLines = 1 }),
            })
            {
                Assert.Equal(new[] { 1f, 2f, 3f, 4.5f, -5f, 60f, 7f, 8f, 9f }, data.Features);
                Assert.Equal(new[] { 0, 2, 1 }, data.Labels);
            }

            using var folder = new TempFolder();
            string path = folder.File("plain.csv");
            File.WriteAllText(path, "\uFEFF1,2,1\n3,4,0\n", new UTF8Encoding(false));
            Assert.Equal(new[] { 1, 0 }, Csv.Read(path).Labels);
            Assert.Equal(new[] { 1, 0 }, Csv.Read(new NonSeekableStream(File.ReadAllBytes(path))).Labels);

            string badGz = folder.File("bad.csv.gz");
            byte[] compressed = File.ReadAllBytes(gz);
            // GZipStream itself accepts truncated data silently: the reader checks the gzip trailer.
            for (int cut = 1; cut < compressed.Length - 10; cut++)
            {
                File.WriteAllBytes(badGz, compressed[..^cut]);
                var exception = Assert.Throws<DataFormatException>(() => Csv.Read(badGz, new CsvOptions { HeaderLines = 1 }));
                Assert.Contains(badGz, exception.Message);
                Assert.Contains("gzip", exception.Message);
            }

            byte[] flipped = (byte[])compressed.Clone();
            flipped[^6] ^= 1; // in the trailer's CRC-32
            File.WriteAllBytes(badGz, flipped);
            string message = Assert.Throws<DataFormatException>(() => Csv.Read(badGz, new CsvOptions { HeaderLines = 1 })).Message;
            Assert.True(message.Contains("invalid gzip data") && message.Contains(badGz), message);

            File.WriteAllText(path, "1,2,x\n");
            var error = Assert.Throws<DataFormatException>(() => Csv.Read(path));
            Assert.Equal(path, error.FilePath);
            Assert.Contains(path, error.Message);
        }

        [Fact]
        public void ErrorsGiveLineAndColumn()
        {
            Fails("1,2,0\n3,abc,1\n", 2, 2, "'abc', which is not a number");
            Fails("1,2,0\n3,,1\n", 2, 2, "empty field");
            Fails("1,2,0\n3,4,5,1\n", 2, 4, "more fields than the 3 of line 1");
            Fails("1,2,0\n\n3,1\n", 3, 2, "has 2 fields but line 1 has 3");
            Fails("1,2,0\n3,4,2.5\n", 2, 3, "'2.5', which is not a non-negative integer");
            Fails("1,2,0\n3,4,-1\n", 2, 3, "'-1'");
            Fails("1,2,0\n3,NaN,1\n", 2, 2, "not a finite float");
            Fails("1,2,0\n3,1e39,1\n", 2, 2, "not a finite float");
            Fails("a,b,label\n1,2,0\n", 1, 1, "HeaderLines = 1");
            Fails("h\n1,2,0\n", 2, null, "no label column 5", new CsvOptions { HeaderLines = 1, LabelColumn = 5 });
            Fails("1;2;0\n", 1, null, "single column", new CsvOptions { Separator = ',' });
            Fails("1,2\n", 1, null, "2 target columns", new CsvOptions { TargetColumns = 2 });
            Assert.Equal(float.NaN, Parse("1,NaN,0\n", new CsvOptions { AllowNonFinite = true }).Features[1]);

            var empty = Assert.Throws<DataFormatException>(() => Parse("header\n\n", new CsvOptions { HeaderLines = 1 }));
            Assert.Contains("no data rows", empty.Message);
            Assert.Throws<ArgumentException>(() => Parse("1,2\n", new CsvOptions { LabelColumn = 0, TargetColumns = 1 }));
            Assert.Throws<ArgumentException>(() => Parse("1,2\n", new CsvOptions { Separator = '.' }));
        }

        [Fact]
        public void LineNumbersCountHeaderAndBlankLines()
        {
            DataFormatException exception = Fails("x,y,z\n\n1,2,0\n\r\n4,5,0\n6,?,1\n", 6, 2, "'?'", new CsvOptions { HeaderLines = 1 });
            Assert.Equal(6, exception.Line);
        }
    }
}
