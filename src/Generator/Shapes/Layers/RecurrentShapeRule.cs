using System;
using System.Collections.Generic;
using System.Globalization;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Shapes.Layers
{
    /// <summary>
    /// <c>[SimpleRNN]</c>, <c>[GRU]</c>, <c>[LSTM]</c>: a sequence <c>(steps, features)</c> becomes the last step's hidden
    /// state (a vector of <c>hidden</c>) or, with <c>ReturnSequences</c>, the sequence <c>(steps, hidden)</c>. Tensors as
    /// PyTorch's state_dict of the module at this index: for each stacked layer <c>l</c>, <c>{module}.weight_ih_l{l}
    /// [G hidden, in]</c>, <c>weight_hh_l{l} [G hidden, hidden]</c>, then with <c>Bias</c> <c>bias_ih_l{l}</c> and
    /// <c>bias_hh_l{l}</c> (<c>[G hidden]</c>), all <c>U(-1/sqrt(hidden), 1/sqrt(hidden))</c> (Kaiming uniform with fan-in
    /// <c>hidden</c> and gain <c>1/sqrt(3)</c>), as PyTorch initialises them.
    /// </summary>
    internal sealed class RecurrentShapeRule : IShapeRule
    {
        public LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context)
        {
            var recurrent = (RecurrentSpec)spec;
            if (input.Rank != 2)
            {
                if (input.IsVector && context.PreviousLayer is RecurrentSpec previous && !previous.ReturnSequences)
                {
                    context.Report(DiagnosticDescriptors.RecurrentAfterLastStep, null, recurrent.KindName, context.LayerIndex, previous.KindName, context.LayerIndex - 1, input.Size);
                }
                else
                {
                    context.Report(DiagnosticDescriptors.RecurrentNeedsSequence, null, recurrent.KindName, context.LayerIndex, input.ToString());
                }

                return null;
            }

            int steps = input.Dimensions[0];
            int features = input.Dimensions[1];
            int hidden = recurrent.Hidden;
            long rows = (long)recurrent.Gates * hidden;
            var tensors = new List<TensorPlan>();
            long offset = context.ParameterOffset;
            double gain = Math.Sqrt(1.0 / 3.0);
            for (int l = 0; l < recurrent.NumLayers; l++)
            {
                int inputs = l == 0 ? features : recurrent.Width;
                for (int direction = 0; direction < recurrent.Directions; direction++)
                {
                    if (offset + (rows * (inputs + hidden + 2)) > ShapeInference.MaxParameters || rows > int.MaxValue)
                    {
                        return null; // ShapeInference reports the total as too large.
                    }

                    string suffix = "_l" + l.ToString(CultureInfo.InvariantCulture) + (direction == 1 ? "_reverse" : string.Empty);
                    tensors.Add(Tensor($"{context.ModuleIndex}.weight_ih{suffix}", new Shape(EquatableArray.Create((int)rows, inputs)), ref offset, hidden, gain));
                    tensors.Add(Tensor($"{context.ModuleIndex}.weight_hh{suffix}", new Shape(EquatableArray.Create((int)rows, hidden)), ref offset, hidden, gain));
                    if (recurrent.Bias)
                    {
                        tensors.Add(Tensor($"{context.ModuleIndex}.bias_ih{suffix}", Shape.Vector((int)rows), ref offset, hidden, gain));
                        tensors.Add(Tensor($"{context.ModuleIndex}.bias_hh{suffix}", Shape.Vector((int)rows), ref offset, hidden, gain));
                    }
                }
            }

            Shape output = recurrent.ReturnSequences ? Shape.Sequence(steps, recurrent.Width) : Shape.Vector(recurrent.Width);
            return new LayerShape(output, tensors.ToEquatableArray());
        }

        private static TensorPlan Tensor(string name, Shape shape, ref long offset, int hidden, double gain)
        {
            var tensor = new TensorPlan(name, shape, (int)offset, InitKind.KaimingUniform, hidden, hidden, gain);
            offset += shape.Size;
            return tensor;
        }

        public string Describe(LayerSpec spec)
        {
            var recurrent = (RecurrentSpec)spec;
            var settings = new List<string> { recurrent.Hidden.ToString(CultureInfo.InvariantCulture) };
            if (recurrent.Cell == RecurrentCellKind.RnnReLU)
            {
                settings.Add("ReLU");
            }

            if (recurrent.NumLayers != 1)
            {
                settings.Add($"layers {recurrent.NumLayers.ToString(CultureInfo.InvariantCulture)}");
            }

            if (!recurrent.Bias)
            {
                settings.Add("no bias");
            }

            if (recurrent.Bidirectional)
            {
                settings.Add("bidirectional");
            }

            if (recurrent.ReturnSequences)
            {
                settings.Add("sequences");
            }

            if (recurrent.Dropout > 0f)
            {
                settings.Add($"dropout {recurrent.Dropout.ToString("R", CultureInfo.InvariantCulture)}");
            }

            if (recurrent.RecurrentDropout > 0f)
            {
                settings.Add($"recurrent dropout {recurrent.RecurrentDropout.ToString("R", CultureInfo.InvariantCulture)}");
            }

            return $"{recurrent.KindName}({string.Join(", ", settings)})";
        }

        /// <summary>
        /// One: the recurrent module. PyTorch's <c>nn.GRU</c>/<c>nn.LSTM</c>/<c>nn.RNN</c> return a tuple and cannot sit in an
        /// <c>nn.Sequential</c> as they are; the names are those of a container whose module at this index is the recurrent
        /// module (for example a wrapper that returns <c>output</c> or <c>output[:, -1]</c>), e.g. <c>0.weight_ih_l0</c>.
        /// </summary>
        public int ModuleCount(LayerSpec spec) => 1;
    }
}
