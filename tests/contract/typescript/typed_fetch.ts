// Calls typed by an `operations` type that openapi-typescript generates: the body an operation
// takes in JSON, and the JSON answer of each status. Shared by the scripts beside it.

type Responses<Ops, O extends keyof Ops> = Ops[O] extends { responses: infer R } ? R : never;

export type Answer<Ops, O extends keyof Ops, S extends keyof Responses<Ops, O>> =
    Responses<Ops, O>[S] extends { content: { "application/json": infer Body } } ? Body : never;

export type JsonBody<Ops, O extends keyof Ops> = Ops[O] extends {
    requestBody?: { content: { "application/json": infer Body } };
}
    ? Body
    : never;

export function typedFetch<Ops>(base: string, fixed: Record<string, string>) {
    async function send(method: string, path: string, body?: unknown): Promise<Response> {
        const headers: Record<string, string> = { ...fixed };
        if (body !== undefined) {
            headers["Content-Type"] = "application/json";
        }
        const encoded = body === undefined ? undefined : JSON.stringify(body);
        return fetch(base + path, { method, headers, body: encoded });
    }
    // A JSON answer of operation `O` with status `S`.
    async function call<O extends keyof Ops, S extends keyof Responses<Ops, O>>(
        _operation: O,
        _status: S,
        method: string,
        path: string,
        body?: JsonBody<Ops, O>,
    ): Promise<Answer<Ops, O, S>> {
        return (await (await send(method, path, body)).json()) as Answer<Ops, O, S>;
    }
    // An answer with no body: its status only.
    async function bodiless<O extends keyof Ops>(
        _operation: O,
        method: string,
        path: string,
        body?: JsonBody<Ops, O>,
    ): Promise<number> {
        return (await send(method, path, body)).status;
    }
    // A text answer (JavaScript, say) of operation `O`.
    async function text<O extends keyof Ops>(_operation: O, path: string): Promise<string> {
        return (await send("GET", path)).text();
    }
    return { send, call, bodiless, text };
}
