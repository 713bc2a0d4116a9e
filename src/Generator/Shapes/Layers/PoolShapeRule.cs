using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Shapes.Layers
{
    /// <summary>
    /// <c>[MaxPool{n}D]</c>, <c>[AvgPool{n}D]</c>: <c>(C, in...)</c> to <c>(C, out...)</c> with PyTorch's output size per
    /// spatial dimension (<see cref="OutputSize"/>); no parameters. Reports an input of the wrong rank (CN0045), a window
    /// larger than the padded input (CN0043) and an empty output (CN0047, a dilated window that does not fit).
    /// </summary>
    internal sealed class PoolShapeRule : IShapeRule
    {
        public LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context)
        {
            var pool = (PoolSpec)spec;
            string kind = pool.KindName;
            if (input.Rank != pool.Dimensions + 1)
            {
                string needed = pool.Dimensions switch
                {
                    1 => "(C, L): channels and a length, rank 2",
                    2 => "(C, H, W): channels, height and width, rank 3",
                    _ => "(C, D, H, W): channels, depth, height and width, rank 4",
                };
                context.Report(DiagnosticDescriptors.PoolInputRank, null, kind, context.LayerIndex, input.ToString(), input.Rank, needed);
                return null;
            }

            var output = new int[input.Rank];
            output[0] = input.Dimensions[0];
            for (int i = 0; i < pool.Dimensions; i++)
            {
                int size = input.Dimensions[i + 1];
                int kernel = pool.Kernel[i];
                int padding = pool.Padding[i];
                if (kernel > size + (2L * padding))
                {
                    context.Report(DiagnosticDescriptors.PoolKernelTooLarge, pool.KernelArgument, kind, context.LayerIndex, kernel, i, size + (2 * padding), size, padding, input.ToString());
                    return null;
                }

                long outputSize = OutputSize(size, kernel, padding, pool.Stride[i], pool.Dilation, pool.CeilMode);
                if (outputSize < 1)
                {
                    int span = (pool.Dilation * (kernel - 1)) + 1;
                    context.Report(DiagnosticDescriptors.PoolOutputEmpty, pool.DilationWritten ? "Dilation" : pool.KernelArgument, kind, context.LayerIndex, outputSize, i, input.ToString(), span, size + (2 * padding));
                    return null;
                }

                output[i + 1] = (int)outputSize;
            }

            return new LayerShape(new Shape(output.ToEquatableArray()), EquatableArray<TensorPlan>.Empty);
        }

        /// <summary>
        /// PyTorch's <c>pooling_output_shape</c>: <c>floor((in + 2 pad - dilation (kernel - 1) - 1 [+ stride - 1 in ceil mode]) / stride) + 1</c>,
        /// and in ceil mode one less when the last window would start in the right padding.
        /// </summary>
        public static long OutputSize(int input, int kernel, int padding, int stride, int dilation, bool ceilMode)
        {
            long numerator = input + (2L * padding) - ((long)dilation * (kernel - 1)) - 1 + (ceilMode ? stride - 1 : 0);
            long output = FloorDivide(numerator, stride) + 1;
            if (ceilMode && (output - 1) * stride >= input + (long)padding)
            {
                output--;
            }

            return output;
        }

        public string Describe(LayerSpec spec)
        {
            var pool = (PoolSpec)spec;
            var parts = new List<string> { Sizes(pool.Kernel) };
            if (!pool.Stride.SequenceEqual(pool.Kernel))
            {
                parts.Add("stride " + Sizes(pool.Stride));
            }

            if (pool.Padding.Any(p => p != 0))
            {
                parts.Add("padding " + Sizes(pool.Padding));
            }

            if (pool.Dilation != 1)
            {
                parts.Add("dilation " + pool.Dilation);
            }

            if (pool.CeilMode)
            {
                parts.Add("ceil mode");
            }

            if (pool.Op == PoolOp.Avg && !pool.CountIncludePad)
            {
                parts.Add("exclude padding");
            }

            return $"{pool.KindName}({string.Join(", ", parts)})";
        }

        public int ModuleCount(LayerSpec spec) => 1;

        /// <summary>One number when every dimension agrees (<c>3</c>), else each (<c>2x3</c>).</summary>
        private static string Sizes(EquatableArray<int> values) =>
            values.All(v => v == values[0]) ? values[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Join("x", values);

        private static long FloorDivide(long numerator, long denominator)
        {
            long quotient = numerator / denominator;
            return numerator % denominator != 0 && (numerator < 0) != (denominator < 0) ? quotient - 1 : quotient;
        }
    }

    /// <summary>
    /// <c>[GlobalAvgPool]</c>, <c>[GlobalMaxPool]</c>: <c>(C, ...)</c> to a vector of <c>C</c>; two modules of the equivalent
    /// Sequential (<c>AdaptiveAvgPool{n}d(1)</c>, <c>Flatten</c>). A vector input is CN0046.
    /// </summary>
    internal sealed class GlobalPoolShapeRule : IShapeRule
    {
        public LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context)
        {
            if (input.Rank < 2)
            {
                context.Report(DiagnosticDescriptors.GlobalPoolNeedsPositions, null, spec.KindName, context.LayerIndex, input.ToString());
                return null;
            }

            return new LayerShape(Shape.Vector(input.Dimensions[0]), EquatableArray<TensorPlan>.Empty);
        }

        public string Describe(LayerSpec spec) => spec.KindName;

        public int ModuleCount(LayerSpec spec) => 2;
    }
}
