import type { VpEnvironment } from '../guest.js';
import { PostMessageInput, SYNIC_MESSAGE_FLAG_PENDING, SYNIC_MESSAGE_HEADER_SIZE, SYNIC_MESSAGE_SIZE, SynicMessageHeader } from '../synic/synic-layout.js';

/** Test guests' side of the SynIC: text over PostMessage (UTF-16 code units, one byte each here). */
export function postText(vp: VpEnvironment, connectionId: number, type: number, text: string): number {
  const view = new DataView(vp.memory, vp.synic.hypercallInputGpa, PostMessageInput.size);
  view.setUint32(PostMessageInput.connectionId, connectionId, true);
  view.setUint32(PostMessageInput.messageType, type, true);
  view.setUint32(PostMessageInput.payloadSize, text.length, true);
  for (let i = 0; i < text.length; i++) view.setUint8(PostMessageInput.payload + i, text.charCodeAt(i) & 0xff);
  return vp.postMessage(vp.synic.hypercallInputGpa);
}

/** Takes the message waiting in SINT `sint`'s SIMP slot, if any, and frees the slot. */
export function receiveMessage(vp: VpEnvironment, sint: number): { type: number; text: string } | undefined {
  const slot = vp.synic.simpGpa + sint * SYNIC_MESSAGE_SIZE;
  const words = new Int32Array(vp.memory, slot, 1);
  const type = Atomics.load(words, 0) >>> 0;
  if (type === 0) return undefined;
  const bytes = new Uint8Array(vp.memory, slot, SYNIC_MESSAGE_SIZE);
  const size = bytes[SynicMessageHeader.payloadSize]!;
  let text = '';
  for (let i = 0; i < size; i++) text += String.fromCharCode(bytes[SYNIC_MESSAGE_HEADER_SIZE + i]!);
  Atomics.store(words, 0, 0);
  if ((Atomics.load(bytes, SynicMessageHeader.flags) & SYNIC_MESSAGE_FLAG_PENDING) !== 0) vp.eom();
  return { type, text };
}

/** Host side: the text of a message a test guest posted. */
export function textOf(payload: Uint8Array, size: number): string {
  let text = '';
  for (let i = 0; i < size; i++) text += String.fromCharCode(payload[i]!);
  return text;
}
