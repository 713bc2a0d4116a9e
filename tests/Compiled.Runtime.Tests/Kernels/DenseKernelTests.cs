using System.Collections.Generic;
using System.Linq;

namespace Compiled.Runtime.Tests.Kernels
{
    /// <summary>The kernel checks on this process's SIMD path (the widest the machine has).</summary>
    public class DenseKernelTests
    {
        public static IEnumerable<object[]> Checks() => KernelChecks.All.Select(c => new object[] { c.Name });

        [Theory]
        [MemberData(nameof(Checks))]
        public void KernelMatchesReferenceAndGeneratedOrder(string name) => KernelChecks.All.Single(c => c.Name == name).Run();
    }
}
