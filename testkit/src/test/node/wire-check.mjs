// Points the official openai npm client at a running FakeOpenAiServer and checks that it reads
// every kind of answer: plain chat, streams (raw chunks and the stream helper), tool calls (plain,
// streamed and through runTools), structured output, base64 and float embeddings, images, the
// model list, a retrieved model and errors. FakeOpenAiServerOfficialClientTest starts the server
// and runs this.
//
//   node wire-check.mjs <scenario> <url> [apiKey]
//
// Scenarios: "openai" (url = the base URL, http://127.0.0.1:<port>/v1), "azure" (url = the Azure
// endpoint, http://127.0.0.1:<port>; the deployments layout through AzureOpenAI and the v1 layout
// through OpenAI) and "faults" (url = the base URL; the test scripts a 503 then a 401 first).
//
// Prints one JSON object on standard output with what the Java side compares (the vectors the
// client decoded, the text it assembled); any failed check exits with status 1 and says why on
// standard error.
import assert from 'node:assert/strict';
import OpenAI, { AzureOpenAI } from 'openai';

const [scenario, url, apiKey = 'sk-wire-check'] = process.argv.slice(2);
if (!scenario || !url) {
  console.error('usage: node wire-check.mjs <openai|azure|faults> <url> [apiKey]');
  process.exit(2);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    strict: true,
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1 },
      },
      required: ['city', 'unit', 'days'],
      additionalProperties: false,
    },
  },
};
const TIME_TOOL = { type: 'function', function: { name: 'get_time' } };
const EXPECTED_ARGUMENTS = { city: 'sample', unit: 'celsius', days: 1 };

function isPng(bytes) {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

async function chat(client, model) {
  const completion = await client.chat.completions.create({
    model,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hello there' },
    ],
  });
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.choices.length, 1);
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(completion.choices[0].message.content, 'Echo: Hello there');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.ok(completion.usage.prompt_tokens > 0, 'prompt_tokens');
  assert.equal(
    completion.usage.total_tokens,
    completion.usage.prompt_tokens + completion.usage.completion_tokens);
  // The raw response is reachable too: headers as OpenAI sends them.
  const { response } = await client.chat.completions
    .create({ model, messages: [{ role: 'user', content: 'hi' }] })
    .withResponse();
  assert.ok(response.headers.get('x-request-id'), 'x-request-id header');
  return completion.choices[0].message.content;
}

async function stream(client, model) {
  const chunks = await client.chat.completions.create({
    model,
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Stream a few words please' }],
  });
  let text = '';
  let contentChunks = 0;
  let finishReason = null;
  let usage = null;
  for await (const chunk of chunks) {
    // Azure opens with a chunk of prompt filter results only: no choices, an empty object.
    if (chunk.choices.length > 0) {
      assert.equal(chunk.object, 'chat.completion.chunk');
    }
    for (const choice of chunk.choices) {
      if (choice.delta.content) {
        contentChunks++;
        text += choice.delta.content;
      }
      finishReason = choice.finish_reason ?? finishReason;
    }
    usage = chunk.usage ?? usage;
  }
  assert.ok(contentChunks >= 1, 'at least one content chunk');
  assert.equal(text, 'Echo: Stream a few words please');
  assert.equal(finishReason, 'stop');
  assert.ok(usage && usage.completion_tokens > 0, 'usage chunk');

  // The stream helper accumulates the chunks into a completion and checks their shapes.
  const helper = client.chat.completions.stream({
    model,
    messages: [{ role: 'user', content: 'Once more' }],
  });
  const deltas = [];
  helper.on('content', (delta) => deltas.push(delta));
  const final = await helper.finalChatCompletion();
  assert.equal(final.choices[0].message.content, 'Echo: Once more');
  assert.equal(deltas.join(''), 'Echo: Once more');
  return { text, contentChunks };
}

async function tools(client, model) {
  const first = await client.chat.completions.create({
    model,
    tools: [WEATHER_TOOL],
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
  });
  const message = first.choices[0].message;
  assert.equal(first.choices[0].finish_reason, 'tool_calls');
  assert.equal(message.content, null);
  assert.equal(message.tool_calls.length, 1);
  const call = message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.function.arguments), EXPECTED_ARGUMENTS);

  const second = await client.chat.completions.create({
    model,
    tools: [WEATHER_TOOL],
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      message,
      { role: 'tool', tool_call_id: call.id, content: '{"temperature":21}' },
    ],
  });
  assert.equal(second.choices[0].message.content, 'Echo: tool results: {"temperature":21}');

  // Streamed: the helper joins the argument pieces into whole calls.
  const streamed = await client.chat.completions
    .stream({
      model,
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    })
    .finalChatCompletion();
  const streamedCall = streamed.choices[0].message.tool_calls[0];
  assert.equal(streamedCall.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(streamedCall.function.arguments), EXPECTED_ARGUMENTS);

  // Two tools: the fake calls both in one answer; the helper keeps the streamed calls apart.
  const both = await client.chat.completions
    .stream({
      model,
      tools: [WEATHER_TOOL, TIME_TOOL],
      messages: [{ role: 'user', content: 'Weather and time?' }],
    })
    .finalChatCompletion();
  const calls = both.choices[0].message.tool_calls;
  assert.deepEqual(calls.map((c) => c.function.name), ['get_weather', 'get_time']);
  assert.notEqual(calls[0].id, calls[1].id);
  assert.deepEqual(JSON.parse(calls[1].function.arguments), {});

  // The whole loop, run by the client: call, result, answer.
  const seen = [];
  const runner = client.chat.completions.runTools({
    model,
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    tools: [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: WEATHER_TOOL.function.parameters,
          parse: JSON.parse,
          function: (args) => {
            seen.push(args);
            return { temperature: 21 };
          },
        },
      },
    ],
  });
  const content = await runner.finalContent();
  assert.deepEqual(seen, [EXPECTED_ARGUMENTS]);
  assert.equal(content, 'Echo: tool results: {"temperature":21}');
  return { name: call.function.name, arguments: JSON.parse(call.function.arguments) };
}

async function structured(client, model) {
  const completion = await client.chat.completions.parse({
    model,
    messages: [{ role: 'user', content: 'Give me a city' }],
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'city',
        strict: true,
        schema: {
          type: 'object',
          properties: { name: { type: 'string' }, population: { type: 'integer' } },
          required: ['name', 'population'],
          additionalProperties: false,
        },
      },
    },
  });
  assert.deepEqual(completion.choices[0].message.parsed, { name: 'sample', population: 1 });
}

async function embeddings(client, model) {
  const texts = ['the cat sat on the mat', 'a cat sat on a hat', 'stock markets fell sharply'];
  // No encoding_format: the client asks for base64 and decodes little-endian float32 itself.
  const decoded = await client.embeddings.create({ model, input: texts, dimensions: 64 });
  assert.equal(decoded.object, 'list');
  assert.equal(decoded.data.length, 3);
  const asFloats = await client.embeddings.create({
    model,
    input: texts,
    dimensions: 64,
    encoding_format: 'float',
  });
  decoded.data.forEach((item, i) => {
    assert.equal(item.index, i);
    assert.equal(item.embedding.length, 64);
    // Float JSON holds the shortest decimal of each float32; read back as float32, they agree.
    assert.deepEqual(Array.from(item.embedding), asFloats.data[i].embedding.map(Math.fround));
  });
  const full = await client.embeddings.create({ model, input: 'hello' });
  assert.equal(full.data[0].embedding.length, 1536);
  assert.ok(full.usage.prompt_tokens >= 1, 'usage');
  return {
    texts,
    dimensions: 64,
    vectors: decoded.data.map((item) => Array.from(item.embedding)),
  };
}

async function images(client, gptImage, dallE) {
  const b64 = await client.images.generate({ model: gptImage, prompt: 'a red square' });
  assert.equal(b64.data.length, 1);
  assert.ok(isPng(Buffer.from(b64.data[0].b64_json, 'base64')), 'b64_json is a PNG');
  assert.ok(b64.usage.total_tokens > 0, 'gpt-image usage');
  if (dallE) {
    const linked = await client.images.generate({ model: dallE, prompt: 'a red square', n: 2 });
    assert.equal(linked.data.length, 2);
    const response = await fetch(linked.data[0].url);
    assert.equal(response.status, 200);
    assert.ok(isPng(new Uint8Array(await response.arrayBuffer())), 'url serves a PNG');
  }
  return b64.data.length;
}

async function models(client) {
  const ids = [];
  for await (const model of client.models.list()) {
    ids.push(model.id);
  }
  assert.ok(ids.includes('gpt-4o-mini'), 'gpt-4o-mini listed');
  return ids;
}

async function retrieveModel(client) {
  const model = await client.models.retrieve('gpt-4o-mini');
  assert.equal(model.id, 'gpt-4o-mini');
  assert.equal(model.object, 'model');
  assert.equal(typeof model.created, 'number');
  assert.equal(model.owned_by, 'system');
  // A fine-tuned model's id, colons and all, is the whole last path segment.
  const unknown = 'ft:gpt-4o-mini:acme::unknown';
  await assert.rejects(client.models.retrieve(unknown), (error) => {
    assert.ok(error instanceof OpenAI.NotFoundError, String(error));
    assert.equal(error.status, 404);
    assert.equal(error.code, 'model_not_found');
    assert.equal(error.param, 'model');
    assert.ok(error.message.includes(`'${unknown}'`), error.message);
    return true;
  });
  return model.id;
}

async function openAi() {
  const client = new OpenAI({ baseURL: url, apiKey, maxRetries: 0 });
  const result = {
    chat: await chat(client, 'gpt-4o-mini'),
    stream: await stream(client, 'gpt-4o-mini'),
    toolCall: await tools(client, 'gpt-4o-mini'),
    embeddings: await embeddings(client, 'text-embedding-3-small'),
    images: await images(client, 'gpt-image-1', 'dall-e-2'),
    models: await models(client),
    model: await retrieveModel(client),
  };
  await structured(client, 'gpt-4o-mini');

  const wrongKey = new OpenAI({ baseURL: url, apiKey: 'sk-wrong', maxRetries: 0 });
  await assert.rejects(
    wrongKey.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    }),
    (error) => {
      assert.ok(error instanceof OpenAI.AuthenticationError, String(error));
      assert.equal(error.status, 401);
      assert.equal(error.code, 'invalid_api_key');
      return true;
    });
  const badRequest = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] });
  await assert.rejects(badRequest, (error) => {
    assert.ok(error instanceof OpenAI.BadRequestError, String(error));
    assert.equal(error.param, 'messages');
    assert.ok(error.requestID, 'request id');
    return true;
  });
  return result;
}

async function azure() {
  // The deployments layout, as the AzureOpenAI client builds it, with the api-key header.
  const deployments = new AzureOpenAI({ endpoint: url, apiKey, apiVersion: '2024-10-21' });
  const chatDeployment = new AzureOpenAI({
    endpoint: url,
    apiKey,
    apiVersion: '2024-10-21',
    deployment: 'chat',
  });
  // Microsoft Entra ID: the same layout with a bearer token instead of the api-key header.
  const entra = new AzureOpenAI({
    endpoint: url,
    azureADTokenProvider: async () => apiKey,
    apiVersion: '2024-10-21',
    deployment: 'chat',
  });
  // Azure's v1 layout takes the plain client, the key as a bearer token.
  const v1 = new OpenAI({ baseURL: `${url}/openai/v1`, apiKey, maxRetries: 0 });
  const result = {
    chat: await chat(chatDeployment, 'ignored-by-the-deployments-layout'),
    stream: await stream(deployments, 'chat'),
    toolCall: await tools(deployments, 'chat'),
    embeddings: await embeddings(deployments, 'embed'),
    images: await images(deployments, 'image', null),
    entraChat: await chat(entra, 'chat'),
    v1Chat: await chat(v1, 'chat'),
    v1Stream: await stream(v1, 'chat'),
    v1ToolCall: await tools(v1, 'chat'),
    v1Embeddings: await embeddings(v1, 'embed'),
  };
  const filtered = await chatDeployment.chat.completions.create({
    model: 'chat',
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.ok(filtered.prompt_filter_results, 'Azure prompt_filter_results kept');
  return result;
}

async function faults() {
  // The test scripts a 503 for the first request: the client retries it once and succeeds.
  const retrying = new OpenAI({ baseURL: url, apiKey, maxRetries: 1 });
  const answer = await retrying.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'after a retry' }],
  });
  assert.equal(answer.choices[0].message.content, 'Echo: after a retry');
  // Then a 429 with retry-after, which a client without retries reports as such.
  const once = new OpenAI({ baseURL: url, apiKey, maxRetries: 0 });
  await assert.rejects(
    once.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }),
    (error) => {
      assert.ok(error instanceof OpenAI.RateLimitError, String(error));
      assert.equal(error.status, 429);
      assert.equal(error.headers.get('retry-after'), '1');
      return true;
    });
  // Then a stream cut after two events: the client fails rather than returning half an answer.
  let streamed = '';
  await assert.rejects(async () => {
    const chunks = await once.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'cut me' }],
    });
    for await (const chunk of chunks) {
      streamed += chunk.choices[0]?.delta?.content ?? '';
    }
  });
  return { retried: answer.choices[0].message.content, beforeCut: streamed };
}

const scenarios = { openai: openAi, azure, faults };
try {
  if (!scenarios[scenario]) {
    throw new Error(`unknown scenario ${scenario}`);
  }
  const result = await scenarios[scenario]();
  process.stdout.write(JSON.stringify(result) + '\n');
} catch (error) {
  console.error(`wire check "${scenario}" failed: ${error?.stack ?? error}`);
  process.exit(1);
}
