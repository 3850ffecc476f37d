/**
 * The in-process baseline of the engine scenario: bpmn-engine running the same three-step
 * approval (three user tasks in a row), each task signalled as soon as it waits. The BPMN XML is
 * parsed once and its moddle context reused, so the figure is execution, not parsing.
 */
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';

const APPROVAL_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="bench" targetNamespace="http://waymark.local/bench">
  <process id="approval" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="toSubmit" sourceRef="start" targetRef="Submit" />
    <userTask id="Submit" />
    <sequenceFlow id="toApprove" sourceRef="Submit" targetRef="Approve" />
    <userTask id="Approve" />
    <sequenceFlow id="toSign" sourceRef="Approve" targetRef="Sign" />
    <userTask id="Sign" />
    <sequenceFlow id="toDone" sourceRef="Sign" targetRef="Done" />
    <endEvent id="Done" />
  </process>
</definitions>`;

interface WaitingTask {
  signal(message?: unknown): void;
}

/** Runs bpmn-engine instances of the 3-step process from start to end; returns a runner. */
export async function bpmnApprovalRunner(): Promise<() => Promise<void>> {
  const parser = new Engine({ name: 'approval', source: APPROVAL_BPMN }) as unknown as { _getModdleContext(source: string): Promise<unknown> };
  const moddleContext = await parser._getModdleContext(APPROVAL_BPMN);
  return async () => {
    const engine = new Engine({ name: 'approval', moddleContext: moddleContext as never });
    const listener = new EventEmitter();
    let signalled = 0;
    listener.on('wait', (task: WaitingTask) => {
      signalled++;
      task.signal();
    });
    const ended = engine.waitFor('end');
    await engine.execute({ listener });
    await ended;
    if (signalled !== 3) throw new Error(`bpmn-engine ran ${signalled} user tasks instead of 3`);
  };
}
