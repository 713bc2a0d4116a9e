using System.Globalization;
using System.Linq;

namespace Compiled.Generator.Emit
{
    /// <summary>
    /// The vocabulary of one SIMD width as it appears in generated code: 16 lanes (<c>Vector512</c>), 8 (<c>Vector256</c>),
    /// 4 (<c>Vector128</c>, the portable path: hardware-accelerated on x64 and Arm64 alike) or 1 (plain <c>float</c>).
    /// Kernels are written once against this vocabulary and emitted for each width.
    /// </summary>
    internal sealed class Vec
    {
        public const string Simd = "global::Compiled.SimdMath";
        public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";

        public static readonly Vec W16 = new(16, "Vector512", "Sum16");
        public static readonly Vec W8 = new(8, "Vector256", "Sum8");
        public static readonly Vec W4 = new(4, "Vector128", "Sum4");
        public static readonly Vec W1 = new(1, null, null);

        private Vec(int lanes, string? name, string? sum)
        {
            Lanes = lanes;
            Name = name;
            SumName = sum;
        }

        public int Lanes { get; }

        /// <summary>The type name without generic argument (<c>Vector512</c>), null for scalar code.</summary>
        public string? Name { get; }

        public string? SumName { get; }

        public bool IsScalar => Lanes == 1;

        /// <summary>The width used for a dot product over <paramref name="length"/> elements: the widest that fits, capped.</summary>
        public static Vec For(int length, int cap)
        {
            int lanes = length >= 16 ? 16 : length >= 8 ? 8 : length >= 4 ? 4 : 1;
            return FromLanes(System.Math.Min(lanes, cap));
        }

        public static Vec FromLanes(int lanes) => lanes switch
        {
            16 => W16,
            8 => W8,
            4 => W4,
            _ => W1,
        };

        /// <summary>The vector type, e.g. <c>global::System.Runtime.Intrinsics.Vector512&lt;float&gt;</c>, or <c>float</c>.</summary>
        public string T => IsScalar ? "float" : $"global::System.Runtime.Intrinsics.{Name}<float>";

        /// <summary>The static helper class, e.g. <c>global::System.Runtime.Intrinsics.Vector512</c>.</summary>
        public string S => $"global::System.Runtime.Intrinsics.{Name}";

        public string Zero => IsScalar ? "0f" : $"{T}.Zero";

        public string IsAccelerated => $"{S}.IsHardwareAccelerated";

        public string Load(string reference, string offset) =>
            IsScalar ? $"{Unsafe}.Add(ref {reference}, {offset})" : $"{S}.LoadUnsafe(ref {reference}, {offset})";

        public string Store(string value, string reference, string offset) =>
            IsScalar ? $"{Unsafe}.Add(ref {reference}, {offset}) = {value};" : $"{S}.StoreUnsafe({value}, ref {reference}, {offset});";

        public string Broadcast(string scalar) => IsScalar ? scalar : $"{S}.Create({scalar})";

        public string Fma(string a, string b, string c) => $"{Simd}.MultiplyAdd({a}, {b}, {c})";

        /// <summary>The transpose-reduce of <see cref="Lanes"/> accumulators into one vector (missing ones are zero).</summary>
        public string Sum(string[] accumulators)
        {
            var args = Enumerable.Range(0, Lanes).Select(i => i < accumulators.Length ? accumulators[i] : Zero);
            return $"{Simd}.{SumName}({string.Join(", ", args)})";
        }

        /// <summary>A constant mask that keeps the last <paramref name="keep"/> lanes and zeroes the others.</summary>
        public string TailMask(int keep)
        {
            var lanes = Enumerable.Range(0, Lanes).Select(i => i >= Lanes - keep ? "0xFFFFFFFFu" : "0u");
            return $"{S}.AsSingle({S}.Create({string.Join(", ", lanes)}))";
        }

        /// <summary>Lane group <paramref name="group"/> (four lanes) of a vector, as a <c>Vector128</c> expression.</summary>
        public string Group(string vector, int group) => Lanes switch
        {
            16 => W8.Half(W16.Half(vector, upper: group >= 2), upper: group % 2 == 1),
            8 => Half(vector, upper: group == 1),
            _ => vector,
        };

        /// <summary>The lower or upper half of a vector, e.g. <c>Vector512.GetLower(v)</c> (a <c>Vector256</c>).</summary>
        public string Half(string vector, bool upper) => $"{S}.{(upper ? "GetUpper" : "GetLower")}({vector})";

        /// <summary>One lane of a vector as a float.</summary>
        public string Element(string vector, int lane) => $"{S}.GetElement({vector}, {lane})";

        /// <summary>A vector whose every lane group of four is <paramref name="vector128"/>.</summary>
        public string RepeatGroup(string vector128) => Lanes switch
        {
            16 => $"global::System.Runtime.Intrinsics.Vector512.Create(global::System.Runtime.Intrinsics.Vector256.Create({vector128}, {vector128}), global::System.Runtime.Intrinsics.Vector256.Create({vector128}, {vector128}))",
            8 => $"global::System.Runtime.Intrinsics.Vector256.Create({vector128}, {vector128})",
            _ => vector128,
        };

        public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

        public static string Float(double value)
        {
            float f = (float)value;
            string text = f.ToString("R", CultureInfo.InvariantCulture);
            if (!text.Contains(".") && !text.Contains("E"))
            {
                text += ".0";
            }

            return text + "f";
        }

        /// <summary>Renders <c>index + constant</c>, folding constants so unrolled code reads <c>1568</c>, not <c>0 + 1568</c>.</summary>
        public static string Plus(string index, long constant)
        {
            if (long.TryParse(index, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
            {
                return Int(value + constant);
            }

            return constant == 0 ? index : constant > 0 ? $"{index} + {Int(constant)}" : $"{index} - {Int(-constant)}";
        }

        /// <summary>Renders <c>index * factor</c>, folding constants.</summary>
        public static string Times(string index, long factor)
        {
            if (long.TryParse(index, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
            {
                return Int(value * factor);
            }

            bool simple = System.Linq.Enumerable.All(index, c => char.IsLetterOrDigit(c) || c == '_');
            string operand = simple ? index : $"({index})";
            return factor == 1 ? index : $"{operand} * {Int(factor)}";
        }

        /// <summary>
        /// Renders <c>constant + sum(variable * coefficient)</c>, folding numeric "variables" into the constant, e.g.
        /// <c>Linear(32, ("r", 784), ("c", 1))</c> is <c>r * 784 + c + 32</c> and <c>Linear(32, ("4", 784))</c> is <c>3168</c>.
        /// </summary>
        public static string Linear(long constant, params (string Variable, long Coefficient)[] terms)
        {
            var parts = new System.Collections.Generic.List<string>();
            foreach ((string variable, long coefficient) in terms)
            {
                if (coefficient == 0)
                {
                    continue;
                }

                if (long.TryParse(variable, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
                {
                    constant += value * coefficient;
                }
                else
                {
                    parts.Add(Times(variable, coefficient));
                }
            }

            if (parts.Count == 0)
            {
                return Int(constant);
            }

            string text = string.Join(" + ", parts);
            return constant == 0 ? text : constant > 0 ? $"{text} + {Int(constant)}" : $"{text} - {Int(-constant)}";
        }

        public static string Ref(string reference, string offset) =>
            offset == "0" ? $"ref {reference}" : $"ref {Unsafe}.Add(ref {reference}, {offset})";
    }
}
