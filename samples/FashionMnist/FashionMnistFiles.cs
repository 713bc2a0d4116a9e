using System;
using System.IO;
using System.Linq;

namespace FashionMnist;

/// <summary>Finds the four Fashion-MNIST IDX files, or explains how to get them (shared with the LeNet5 sample).</summary>
internal static class FashionMnistFiles
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the data set.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    private static readonly string[] Names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>
    /// The paths of the training images, training labels, test images and test labels in <paramref name="folder"/>, or
    /// <see langword="null"/> after printing which files are missing and how to install them.
    /// </summary>
    public static string[]? Find(string folder)
    {
        string?[] paths = Array.ConvertAll(Names, name => FindFile(folder, name));
        if (Array.TrueForAll(paths, path => path is not null))
        {
            return paths!;
        }

        string missing = string.Join(", ", Names.Where((_, i) => paths[i] is null).Select(name => name + ".gz"));
        Console.WriteLine($"Fashion-MNIST was not found in {folder} (no {missing}).");
        Console.WriteLine($"To get it, install the Debian package, which puts it in {DefaultFolder}:");
        Console.WriteLine();
        Console.WriteLine("    sudo apt-get install dataset-fashion-mnist");
        Console.WriteLine();
        Console.WriteLine("or pass --data DIR, a folder with the four IDX files (gzipped or not): train-images-idx3-ubyte.gz,");
        Console.WriteLine("train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.");
        Console.WriteLine();
        return null;
    }

    // Finds NAME.gz or NAME in the folder (the IDX reader recognises gzip by its content, whatever the name).
    private static string? FindFile(string folder, string name)
    {
        foreach (string candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
