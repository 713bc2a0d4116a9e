namespace Compiled.Kernels
{
    /// <summary>
    /// A small integer known to the JIT: kernels take tile shapes (samples, rows, vectors per tile) as struct type arguments,
    /// so that each shape is compiled with its accumulators in registers and every test of the shape folded away.
    /// </summary>
    internal interface ICount
    {
        static abstract int Value { get; }
    }

    internal readonly struct N0 : ICount
    {
        public static int Value => 0;
    }

    internal readonly struct N1 : ICount
    {
        public static int Value => 1;
    }

    internal readonly struct N2 : ICount
    {
        public static int Value => 2;
    }

    internal readonly struct N3 : ICount
    {
        public static int Value => 3;
    }

    internal readonly struct N4 : ICount
    {
        public static int Value => 4;
    }

    internal readonly struct N5 : ICount
    {
        public static int Value => 5;
    }

    internal readonly struct N6 : ICount
    {
        public static int Value => 6;
    }

    internal readonly struct N7 : ICount
    {
        public static int Value => 7;
    }

    internal readonly struct N8 : ICount
    {
        public static int Value => 8;
    }
}
