/** Commands for every actuator, generated from the gateway's schemas; operators only, others see why not. */
import Divider from '@mui/material/Divider';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { LedgerCommand } from '../../../protocol/app/index.ts';
import { type Actuator, deliveryWindowMs } from '../../../protocol/farm-api.ts';
import { mayCommand } from '../../../protocol/identity.ts';
import { useApp } from '../app/context.tsx';
import { CommandForm } from './CommandForm.tsx';
import { CommandProgress } from './CommandProgress.tsx';
import { ConfirmCommandDialog, type PendingCommand } from './ConfirmCommandDialog.tsx';
import { RoleNotice } from './RoleNotice.tsx';
import { ErrorState } from './StateViews.tsx';
import { useAction } from '../hooks/useAction.ts';

export function CommandPanel({
  farmId,
  farmName,
  actuators,
}: {
  farmId: string;
  farmName: string;
  actuators: Actuator[];
}) {
  const { api, me, t } = useApp();
  const [pending, setPending] = useState<PendingCommand | undefined>(undefined);
  const { busy, error, run } = useAction();
  const [sent, setSent] = useState<LedgerCommand | undefined>(undefined);

  if (!me || !mayCommand(me.commandFarms, farmId)) {
    return (
      <Stack spacing={1}>
        <RoleNotice message="commandsHidden" />
        {actuators.length > 0 && (
          <Typography variant="body2" color="text.secondary">
            {actuators.map((a) => a.label).join(', ')}
          </Typography>
        )}
      </Stack>
    );
  }
  if (actuators.length === 0) return <Typography color="text.secondary">{t('noActuators')}</Typography>;

  const confirm = async () => {
    if (!pending) return;
    await run(async () => {
      setSent(
        await api.sendCommand({
          farmId,
          action: pending.action,
          target: pending.actuatorId,
          params: pending.params,
        }),
      );
    });
    setPending(undefined);
  };

  return (
    <Stack spacing={1.5}>
      {actuators.map((a) => (
        <Paper key={a.id} variant="outlined" sx={{ p: 1.5 }} component="section" aria-label={a.label}>
          <Typography component="h3" variant="subtitle1">
            {a.label}
          </Typography>
          {a.commands.map((c, i) => (
            <div key={c.action}>
              {i > 0 && <Divider />}
              <CommandForm
                command={c}
                actuatorLabel={a.label}
                disabled={busy}
                onSubmit={(params, fields) =>
                  setPending({
                    farmName,
                    actuatorId: a.id,
                    actuatorLabel: a.label,
                    action: c.action,
                    actionLabel: c.label,
                    params,
                    fields,
                    deliveryWindowS: deliveryWindowMs(a) / 1000,
                  })
                }
              />
            </div>
          ))}
          {/* Progress stays beside the button that was pressed. */}
          {sent?.target === a.id && <CommandProgress initial={sent} />}
        </Paper>
      ))}
      {error !== undefined && <ErrorState error={error} />}
      <ConfirmCommandDialog
        pending={pending}
        busy={busy}
        onCancel={() => setPending(undefined)}
        onConfirm={() => void confirm()}
      />
    </Stack>
  );
}
