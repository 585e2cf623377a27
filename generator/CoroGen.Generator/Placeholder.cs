namespace CoroGen.Generator;
internal static class Placeholder { }
