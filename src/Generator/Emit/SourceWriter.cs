using System;
using System.Text;

namespace Compiled.Generator.Emit
{
    /// <summary>Writes indented C# source line by line. Every emitter writes through one instance.</summary>
    internal sealed class SourceWriter
    {
        private const string IndentUnit = "    ";
        private readonly StringBuilder _builder = new();
        private int _indent;

        public SourceWriter(int indent = 0) => _indent = indent;

        /// <summary>The current indentation level, for a writer whose text is appended here later with <see cref="Raw"/>.</summary>
        public int Indent => _indent;

        /// <summary>Appends text that is already indented and ends with a new line.</summary>
        public SourceWriter Raw(string text)
        {
            _builder.Append(text);
            return this;
        }

        public SourceWriter Line(string text = "")
        {
            if (text.Length == 0)
            {
                _builder.Append('\n');
                return this;
            }

            for (int i = 0; i < _indent; i++)
            {
                _builder.Append(IndentUnit);
            }

            _builder.Append(text).Append('\n');
            return this;
        }

        /// <summary>Writes each line of a multi-line block at the current indentation.</summary>
        public SourceWriter Lines(string text)
        {
            foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
            {
                Line(line);
            }

            return this;
        }

        /// <summary>Writes <paramref name="header"/> then an opening brace, and indents.</summary>
        public SourceWriter Open(string header)
        {
            Line(header);
            Line("{");
            _indent++;
            return this;
        }

        /// <summary>Opens a bare scope <c>{</c>.</summary>
        public SourceWriter Scope()
        {
            Line("{");
            _indent++;
            return this;
        }

        /// <summary>Closes a block opened with <see cref="Open"/>.</summary>
        public SourceWriter Close(string suffix = "")
        {
            _indent--;
            Line("}" + suffix);
            return this;
        }

        public SourceWriter Block(string header, Action body)
        {
            Open(header);
            body();
            return Close();
        }

        /// <summary>Writes a <c>//</c> comment, one line per line of text.</summary>
        public SourceWriter Comment(string text)
        {
            foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
            {
                Line(line.Length == 0 ? "//" : "// " + line);
            }

            return this;
        }

        /// <summary>Writes an XML doc <c>summary</c>: on one line when the text is one line.</summary>
        public SourceWriter Summary(string text)
        {
            if (text.IndexOf('\n') < 0)
            {
                return Line($"/// <summary>{text}</summary>");
            }

            Line("/// <summary>");
            foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
            {
                Line("/// " + line);
            }

            return Line("/// </summary>");
        }

        public SourceWriter Doc(string xml)
        {
            foreach (string line in xml.Replace("\r\n", "\n").Split('\n'))
            {
                Line("/// " + line);
            }

            return this;
        }

        public override string ToString() => _builder.ToString();
    }
}
