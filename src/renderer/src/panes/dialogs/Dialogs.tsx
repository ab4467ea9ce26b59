/** Dialogs renders the one open dialog (store `dialog`). The find bar is inline, not modal. */
import { useApp } from '../../store/index';
import { FollowStreamDialog } from '../analysis/FollowStreamDialog';
import { GoToDialog } from './GoToDialog';
import { OpenDialog } from './OpenDialog';
import { RecoverDialog } from './RecoverDialog';
import { SaveDialog } from './SaveDialog';
import { UnsavedDialog } from './UnsavedDialog';

export function Dialogs() {
  const dialog = useApp((s) => s.dialog);
  switch (dialog) {
    case 'open':
      return <OpenDialog />;
    case 'save':
      return <SaveDialog />;
    case 'goto':
      return <GoToDialog />;
    case 'follow':
      return <FollowStreamDialog />;
    case 'recover':
      return <RecoverDialog />;
    case 'unsaved':
      return <UnsavedDialog />;
    default:
      return null;
  }
}
