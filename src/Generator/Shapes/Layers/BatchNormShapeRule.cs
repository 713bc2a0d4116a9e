using System.Collections.Generic;
using System.Globalization;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Shapes.Layers
{
    /// <summary>
    /// <c>[BatchNorm]</c>: any shape to the same shape. A vector input is <c>C</c> features (<c>nn.BatchNorm1d(C)</c> on
    /// <c>(N, C)</c>); an input <c>(C, ...)</c> has <c>C</c> channels and the product of the other dimensions as positions
    /// per channel (<c>BatchNorm1d</c> on <c>(N, C, L)</c>, <c>BatchNorm2d</c> on <c>(N, C, H, W)</c>). With <c>Affine</c>,
    /// parameters <c>weight</c> (ones) then <c>bias</c> (zeros) of <c>[C]</c>; always the buffers <c>running_mean</c>
    /// (zeros), <c>running_var</c> (ones), both <c>[C]</c>, and the scalar <c>num_batches_tracked</c>, as the module's state_dict.
    /// </summary>
    internal sealed class BatchNormShapeRule : IShapeRule
    {
        public LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context)
        {
            var norm = (BatchNormSpec)spec;
            int channels = Channels(input);
            string module = context.ModuleIndex.ToString(CultureInfo.InvariantCulture);
            Shape vector = Shape.Vector(channels);
            var tensors = EquatableArray<TensorPlan>.Empty;
            if (norm.Affine)
            {
                int offset = (int)context.ParameterOffset;
                tensors = EquatableArray.Create(
                    new TensorPlan($"{module}.weight", vector, offset, InitKind.Ones, channels, channels, 1.0),
                    new TensorPlan($"{module}.bias", vector, offset + channels, InitKind.Zeros, channels, channels, 0.0));
            }

            if (!norm.TrackRunningStats)
            {
                return new LayerShape(input, tensors); // no running statistics: no buffers, as PyTorch's state_dict
            }

            int buffer = context.BufferOffset;
            var buffers = EquatableArray.Create(
                new TensorPlan($"{module}.running_mean", vector, buffer, InitKind.Zeros, channels, channels, 0.0),
                new TensorPlan($"{module}.running_var", vector, buffer + channels, InitKind.Ones, channels, channels, 1.0),
                new TensorPlan($"{module}.num_batches_tracked", new Shape(EquatableArray<int>.Empty), buffer + (2 * channels), InitKind.Zeros, 1, 1, 0.0));
            return new LayerShape(input, tensors) { Buffers = buffers };
        }

        /// <summary>The channels: the size of a vector input, else the input's first dimension.</summary>
        public static int Channels(Shape input) => input.Rank == 1 ? (int)input.Size : input.Dimensions[0];

        /// <summary>The positions per channel: 1 for a vector input, else the product of the dimensions after the first.</summary>
        public static int Spatial(Shape input) => input.Rank == 1 ? 1 : (int)(input.Size / input.Dimensions[0]);

        public string Describe(LayerSpec spec)
        {
            var norm = (BatchNormSpec)spec;
            var settings = new List<string>();
            if (norm.Eps != 1e-5f)
            {
                settings.Add($"eps {norm.Eps.ToString("R", CultureInfo.InvariantCulture)}");
            }

            if (norm.CumulativeAverage)
            {
                settings.Add("cumulative average");
            }
            else if (norm.Momentum != 0.1f && norm.TrackRunningStats)
            {
                settings.Add($"momentum {norm.Momentum.ToString("R", CultureInfo.InvariantCulture)}");
            }

            if (!norm.Affine)
            {
                settings.Add("no affine");
            }

            if (!norm.TrackRunningStats)
            {
                settings.Add("no running stats");
            }

            return settings.Count == 0 ? "BatchNorm" : $"BatchNorm({string.Join(", ", settings)})";
        }

        public int ModuleCount(LayerSpec spec) => 1;
    }
}
