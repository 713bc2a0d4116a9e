using System;
using Compiled.Generator.Diagnostics;

namespace Compiled.Generator.Parsing
{
    /// <summary>Reads an <see cref="Initializer"/> property of a layer attribute (<c>Init</c>, <c>BiasInit</c>, ...).</summary>
    internal static class InitializerArgument
    {
        /// <summary>
        /// Reads <paramref name="propertyName"/> (default <see cref="Initializer.Default"/>) and reports an undefined value
        /// (CN0030) or, for a vector, <see cref="Initializer.Orthogonal"/> (CN0031), at the argument.
        /// </summary>
        /// <param name="context">The layer being parsed.</param>
        /// <param name="propertyName">The attribute property.</param>
        /// <param name="vector">Null for a matrix; for a vector, how messages name it ("the bias of [Dense] at layer 0").</param>
        /// <param name="length">The vector's length, for the message.</param>
        public static Initializer Read(LayerParseContext context, string propertyName, string? vector = null, int length = 0)
        {
            int value = context.NamedArgument(propertyName, (int)Initializer.Default, out bool written);
            if (!written)
            {
                return Initializer.Default;
            }

            var initializer = (Initializer)value;
            if (!Enum.IsDefined(typeof(Initializer), initializer))
            {
                context.Report(DiagnosticDescriptors.UnknownInitializer, propertyName, $"(Initializer){value}");
                return Initializer.Default;
            }

            if (vector is not null && initializer == Initializer.Orthogonal)
            {
                context.Report(DiagnosticDescriptors.InitializerNeedsMatrix, propertyName, propertyName, vector, length);
            }

            return initializer;
        }
    }
}
