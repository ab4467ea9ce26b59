/**
 * Lab slice: what the engine learned about the lab from the capture — the guide's steps (`lab.steps`),
 * decoded credentials, the mail conversations (`mail.transcripts`, also used to link console lines to
 * frames) and the messages (`mail.messages`). They are re-read when the capture grows (`view.onCounts`),
 * throttled to one refresh per LAB_REFRESH_MS, and cleared when a new capture replaces the view.
 */
import type { Credential, LabStep, MailMessage, MailTranscript } from '../../../../shared/contract';
import { errorText, type SliceCreator } from '../types';

/** LAB_REFRESH_MS is the shortest time between two refreshes caused by new frames. */
export const LAB_REFRESH_MS = 400;

/** LabSlice: see the file comment. */
export interface LabSlice {
  labSteps: LabStep[];
  credentials: Credential[];
  transcripts: MailTranscript[];
  messages: MailMessage[];
  /** labVersion counts refreshes (views re-derive links when it changes). */
  labVersion: number;
  labError: string | null;
  /** maskPasswords hides decoded passwords (for projection in class). */
  maskPasswords: boolean;
  refreshLab(): Promise<void>;
  /** scheduleLabRefresh asks for a refresh soon (throttled); called on `view.onCounts`. */
  scheduleLabRefresh(): void;
  clearLab(): void;
  setMaskPasswords(mask: boolean): void;
}

export const createLabSlice: SliceCreator<LabSlice> = (set, get) => {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = 0;
  let running: Promise<void> | null = null;
  let again = false;
  let generation = 0;

  const load = async () => {
    const gen = generation;
    const client = get().client;
    try {
      const [labSteps, credentials, transcripts, messages] = await Promise.all([
        client['lab.steps'](),
        client['mail.credentials'](),
        client['mail.transcripts'](),
        client['mail.messages'](),
      ]);
      if (gen !== generation) return;
      set((s) => ({ labSteps, credentials, transcripts, messages, labError: null, labVersion: s.labVersion + 1 }));
    } catch (error) {
      if (gen === generation) set({ labError: errorText(error) });
    }
  };

  return {
    labSteps: [],
    credentials: [],
    transcripts: [],
    messages: [],
    labVersion: 0,
    labError: null,
    maskPasswords: false,
    async refreshLab() {
      if (running) {
        again = true;
        return running;
      }
      last = Date.now();
      running = load().finally(() => {
        running = null;
        if (again) {
          again = false;
          get().scheduleLabRefresh();
        }
      });
      return running;
    },
    scheduleLabRefresh() {
      if (timer !== null) return;
      const wait = Math.max(0, LAB_REFRESH_MS - (Date.now() - last));
      timer = setTimeout(() => {
        timer = null;
        void get().refreshLab();
      }, wait);
    },
    clearLab() {
      generation++;
      // A new view's first refresh waits a full LAB_REFRESH_MS: while a file starts loading, the engine
      // answers the first page of rows before it builds transcripts and the checklist.
      last = Date.now();
      set((s) => ({ labSteps: [], credentials: [], transcripts: [], messages: [], labVersion: s.labVersion + 1 }));
    },
    setMaskPasswords: (maskPasswords) => set({ maskPasswords }),
  };
};
