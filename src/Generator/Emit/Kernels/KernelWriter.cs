using System;
using System.Collections.Generic;

namespace Compiled.Generator.Emit
{
    /// <summary>Small pieces every kernel uses: loops the generator unrolls or not, partial stores, method headers.</summary>
    internal static class KernelWriter
    {
        public const string Support = "global::Compiled.GeneratedCodeSupport";
        public const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";

        /// <summary>
        /// Every generated method is compiled fully optimised on first call (no tiering): steady speed from the first
        /// sample, which real-time callers need, and no warm-up epoch in training.
        /// </summary>
        /// <summary>A null <c>ref float</c> argument: what the runtime kernels take for an optional buffer they should skip.</summary>
        public const string NullRef = "ref global::System.Runtime.CompilerServices.Unsafe.NullRef<float>()";

        /// <summary><c>ref</c> to element <paramref name="offset"/> of the <c>ref float</c> local <paramref name="local"/>.</summary>
        public static string At(string local, long offset) => offset == 0 ? $"ref {local}" : $"ref {Vec.Unsafe}.Add(ref {local}, {offset})";

        /// <summary>
        /// A <c>ref float</c> expression <paramref name="offset"/> floats after <paramref name="reference"/> (itself a
        /// <c>ref ...</c> expression). Every emitter writes such offsets with this, so the same place is the same text.
        /// </summary>
        public static string Offset(string reference, long offset) => offset == 0 ? reference : $"ref {Vec.Unsafe}.Add({reference}, {offset})";

        public const string Optimize = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

        /// <summary>
        /// Writes a loop over <c>[start, end)</c> by <paramref name="step"/>: unrolled by the generator into one scope per
        /// iteration (with constant indices) when it has at most <paramref name="unrollLimit"/> iterations, otherwise a
        /// <c>for</c> loop over a <c>nuint</c> index.
        /// </summary>
        public static void Loop(SourceWriter w, string index, long start, long end, long step, int unrollLimit, Action<string> body)
        {
            if (end <= start)
            {
                return;
            }

            long iterations = (end - start + step - 1) / step;
            if (iterations <= unrollLimit)
            {
                for (long k = 0; k < iterations; k++)
                {
                    w.Scope();
                    body(Vec.Int(start + (k * step)));
                    w.Close();
                }

                return;
            }

            string increment = step == 1 ? $"{index}++" : $"{index} += {Vec.Int(step)}";
            w.Open($"for (nuint {index} = {Vec.Int(start)}; {index} < {Vec.Int(end)}; {increment})");
            body(index);
            w.Close();
        }

        /// <summary>Stores the first <paramref name="count"/> lanes of <paramref name="value"/> (a local) without writing past them.</summary>
        public static void StorePartial(SourceWriter w, Vec v, string value, int count, string target, string offset)
        {
            if (count <= 0)
            {
                return;
            }

            if (count == v.Lanes)
            {
                w.Line(v.Store(value, target, offset));
                return;
            }

            if (v.Lanes >= 8)
            {
                Vec half = Vec.FromLanes(v.Lanes / 2);
                if (count >= half.Lanes)
                {
                    w.Line(half.Store(v.Half(value, upper: false), target, offset));
                    StorePartial(w, half, v.Half(value, upper: true), count - half.Lanes, target, Vec.Plus(offset, half.Lanes));
                }
                else
                {
                    StorePartial(w, half, v.Half(value, upper: false), count, target, offset);
                }

                return;
            }

            for (int k = 0; k < count; k++)
            {
                w.Line($"{Vec.Unsafe}.Add(ref {target}, {Vec.Plus(offset, k)}) = {v.Element(value, k)};");
            }
        }

        /// <summary>Writes <c>ref float name = ref Unsafe.Add(ref baseRef, offset);</c>.</summary>
        public static void RefLocal(SourceWriter w, string name, string baseRef, string offset) =>
            w.Line(offset == "0" ? $"ref float {name} = ref {baseRef};" : $"ref float {name} = ref {Vec.Unsafe}.Add(ref {baseRef}, {offset});");

        public static string[] Names(string prefix, int count)
        {
            var names = new string[count];
            for (int i = 0; i < count; i++)
            {
                names[i] = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return names;
        }

        public static IEnumerable<int> Range(int count)
        {
            for (int i = 0; i < count; i++)
            {
                yield return i;
            }
        }
    }
}
