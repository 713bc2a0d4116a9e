using System;
using System.IO;
using System.Linq;
using Compiled.Data;
using Compiled.Runtime.Tests.Serialization;
using Xunit.Abstractions;

namespace Compiled.Runtime.Tests.Data
{
    public class IdxTests
    {
        private static readonly float[] Pixels = Enumerable.Range(0, 18).Select(i => (float)(i * 15 % 256)).ToArray();
        private readonly ITestOutputHelper _output;

        public IdxTests(ITestOutputHelper output) => _output = output;

        private static string Fixture(string name) => TempFolder.Fixture("idx", name);

        private static DataFormatException Fails(Action read, string path, params string[] fragments)
        {
            var exception = Assert.Throws<DataFormatException>(read);
            Assert.Equal(path, exception.FilePath);
            Assert.Contains(path, exception.Message);
            foreach (string fragment in fragments)
            {
                Assert.Contains(fragment, exception.Message);
            }

            return exception;
        }

        [Theory]
        [InlineData("images.idx3-ubyte")]
        [InlineData("images.idx3-ubyte.gz")]
        public void ReadsImagesRawAndGzipped(string name)
        {
            IdxArray images = Idx.ReadImages(Fixture(name));
            Assert.Equal(IdxDataType.UnsignedByte, images.DataType);
            Assert.Equal(new[] { 3, 2, 3 }, images.Dimensions);
            Assert.Equal(3, images.Count);
            Assert.Equal(6, images.SampleSize);
            Assert.Equal(Pixels, images.Values);
            Assert.Equal(Pixels.AsSpan(6, 6).ToArray(), images.GetSample(1).ToArray());
            Assert.Equal(255f, images.Values.Max());

            IdxArray scaled = Idx.ReadImages(Fixture(name), scaleToUnitRange: true);
            Assert.Equal(Pixels.Select(p => p / 255f), scaled.Values);
            Assert.Equal(1f, scaled.Values.Max());
        }

        [Theory]
        [InlineData("labels.idx1-ubyte")]
        [InlineData("labels.idx1-ubyte.gz")]
        public void ReadsLabelsRawAndGzipped(string name)
        {
            Assert.Equal(new[] { 2, 0, 1 }, Idx.ReadLabels(Fixture(name)));
        }

        [Fact]
        public void ReadsFromStreamsThatCannotSeek()
        {
            foreach (string name in new[] { "images.idx3-ubyte", "images.idx3-ubyte.gz" })
            {
                IdxArray images = Idx.ReadImages(new NonSeekableStream(File.ReadAllBytes(Fixture(name))), sourceName: name);
                Assert.Equal(Pixels, images.Values);
            }

            Assert.Equal(new[] { 2, 0, 1 }, Idx.ReadLabels(new NonSeekableStream(File.ReadAllBytes(Fixture("labels.idx1-ubyte.gz")))));
            var exception = Assert.Throws<DataFormatException>(() => Idx.ReadLabels(new NonSeekableStream(File.ReadAllBytes(Fixture("trailing.idx1-ubyte"))), "t"));
            Assert.Contains("unexpected bytes", exception.Message);
        }

        [Fact]
        public void BuildsADataset()
        {
            Dataset data = Idx.ReadDataset(Fixture("images.idx3-ubyte.gz"), Fixture("labels.idx1-ubyte"), scaleToUnitRange: true);
            Assert.Equal(3, data.Count);
            Assert.Equal(6, data.FeatureCount);
            Assert.Equal(new[] { 2, 0, 1 }, data.Labels);
            Assert.Equal(Pixels.AsSpan(12, 6).ToArray().Select(p => p / 255f), data.GetFeatures(2).ToArray());
        }

        [Fact]
        public void ReadsOtherTypes()
        {
            Assert.Equal(new[] { 7, 300, 0 }, Idx.ReadLabels(Fixture("labels_int32.idx1-int")));
            IdxArray floats = Idx.Read(Fixture("floats.idx2-float"));
            Assert.Equal(IdxDataType.Single, floats.DataType);
            Assert.Equal(new[] { 2, 2 }, floats.Dimensions);
            Assert.Equal(new[] { 1.5f, -2f, 0.25f, 3f }, floats.Values);
            Assert.Equal(new[] { 0.25f, 3f }, floats.GetSample(1).ToArray());
            Assert.Equal(new[] { 3f }, Idx.Read(Fixture("labels.idx1-ubyte")).Dimensions.Select(d => (float)d));
        }

        [Fact]
        public void CountMismatchNamesBothFiles()
        {
            string images = Fixture("images.idx3-ubyte"), labels = Fixture("labels4.idx1-ubyte");
            var exception = Assert.Throws<DataFormatException>(() => Idx.ReadDataset(images, labels));
            Assert.Contains(images, exception.Message);
            Assert.Contains(labels, exception.Message);
            Assert.Contains("3 images", exception.Message);
            Assert.Contains("4 labels", exception.Message);
        }

        [Fact]
        public void MalformedFilesGiveClearErrors()
        {
            string path = Fixture("bad_magic.idx3-ubyte");
            Fails(() => Idx.ReadImages(path), path, "not an IDX file");
            path = Fixture("bad_type.idx3-ubyte");
            Fails(() => Idx.ReadImages(path), path, "type code 0x0A");
            path = Fixture("truncated.idx3-ubyte");
            Fails(() => Idx.ReadImages(path), path, "truncated", "18", "14");
            path = Fixture("truncated.idx3-ubyte.gz");
            Fails(() => Idx.ReadImages(path), path, "truncated", "ends after 14");
            path = Fixture("truncated_header.idx3-ubyte");
            Fails(() => Idx.ReadImages(path), path, "truncated", "dimensions");
            path = Fixture("cut_gzip.idx3-ubyte.gz");
            Fails(() => Idx.ReadImages(path), path, "gzip");
            byte[] gzipped = File.ReadAllBytes(Fixture("labels.idx1-ubyte.gz"));
            for (int cut = 1; cut < gzipped.Length - 10; cut++)
            {
                Assert.Throws<DataFormatException>(() => Idx.ReadLabels(new NonSeekableStream(gzipped[..^cut]), "cut"));
            }
            path = Fixture("overflow.idx3-ubyte");
            Fails(() => Idx.ReadImages(path), path, "65536 x 65536 x 65536", "overflow");
            path = Fixture("negative_dimension.idx1-ubyte");
            Fails(() => Idx.ReadLabels(path), path, "4294967295");
            path = Fixture("trailing.idx1-ubyte");
            Fails(() => Idx.ReadLabels(path), path, "1 unexpected bytes");
            path = Fixture("no_dimensions.idx");
            Fails(() => Idx.Read(path), path, "0 dimensions");

            // Valid files used for the wrong purpose.
            path = Fixture("floats.idx2-float");
            Fails(() => Idx.ReadLabels(path), path, "dimensions");
            Fails(() => Idx.ReadImages(path, scaleToUnitRange: true), path, "Single", "unsigned bytes");
            path = Fixture("images.idx3-ubyte");
            Fails(() => Idx.ReadLabels(path), path, "3 dimensions");
            path = Fixture("labels.idx1-ubyte");
            Fails(() => Idx.ReadImages(path), path, "1 dimension");

            using var folder = new TempFolder();
            path = folder.File("empty.idx");
            File.WriteAllBytes(path, Array.Empty<byte>());
            Fails(() => Idx.Read(path), path, "empty");
            path = folder.File("short.idx");
            File.WriteAllBytes(path, new byte[] { 0, 0, 8 });
            Fails(() => Idx.Read(path), path, "truncated");
        }

        [Fact]
        public void ReadsFashionMnistWhenInstalled()
        {
            const string folder = "/usr/share/datasets/fashion-mnist";
            string images = Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), labels = Path.Combine(folder, "t10k-labels-idx1-ubyte.gz");
            if (!File.Exists(images) || !File.Exists(labels))
            {
                _output.WriteLine($"Skipped: Fashion-MNIST is not installed in {folder}.");
                return;
            }

            Dataset data = Idx.ReadDataset(images, labels, scaleToUnitRange: true);
            Assert.Equal(10000, data.Count);
            Assert.Equal(784, data.FeatureCount);
            Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, data.Labels!.Count(l => l == c)));
            Assert.InRange(data.Features.Min(), 0f, 0f);
            Assert.InRange(data.Features.Max(), 1f, 1f);
            Assert.InRange(data.Features.Average(), 0.2f, 0.4f);
        }
    }
}
