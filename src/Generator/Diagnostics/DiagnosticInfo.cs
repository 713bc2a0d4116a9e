using Compiled.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Diagnostics
{
    /// <summary>A diagnostic as plain, equatable data: which descriptor, where, and the message arguments.</summary>
    internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> MessageArgs)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] messageArgs)
        {
            var args = new string[messageArgs.Length];
            for (int i = 0; i < messageArgs.Length; i++)
            {
                args[i] = messageArgs[i] is System.IFormattable formattable
                    ? formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture)
                    : messageArgs[i]?.ToString() ?? string.Empty;
            }

            return new DiagnosticInfo(descriptor.Id, location, EquatableArray.Create(args));
        }

        public Diagnostic ToDiagnostic()
        {
            DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById(Id);
            object[] args = new object[MessageArgs.Count];
            for (int i = 0; i < args.Length; i++)
            {
                args[i] = MessageArgs[i];
            }

            return Diagnostic.Create(descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, args);
        }
    }
}
