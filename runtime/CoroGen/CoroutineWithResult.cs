namespace CoroGen;

/// <summary>A hand-written coroutine of the runtime with a result: keeps it in a field, as generated classes do.</summary>
internal abstract class CoroutineWithResult<TYield, TSend, TReturn> : Coroutine<TYield, TSend, TReturn>
{
    private TReturn result = default!;

    protected sealed override TReturn ReadResult() => result;

    protected sealed override void WriteResult(TReturn value) => result = value;
}
