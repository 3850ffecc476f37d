import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { describeError } from '../api';
import { Button, Card, TextField, useToast } from '../design';
import { admin } from './use-dashboard-queries';

/** Changes the admin password: the current one, the new one twice. */
export function PasswordCard() {
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeated, setRepeated] = useState('');
  const [error, setError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: () => admin.changeAdminPassword(current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setRepeated('');
      setError(null);
      toast('success', 'The admin password is changed. Use the new one from now on.');
    },
    onError: (caught) => setError(describeError(caught)),
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (current === '' || next === '') return setError('Fill in the current and the new password.');
    if (next.length < 8) return setError('The new password needs at least 8 characters.');
    if (next !== repeated) return setError('The new password and its repetition differ.');
    setError(null);
    change.mutate();
  };

  return (
    <Card title="Admin password">
      <form className="wm-password" onSubmit={onSubmit} noValidate>
        <input type="text" name="username" value="admin" autoComplete="username" readOnly hidden />
        <TextField label="Current password" type="password" autoComplete="current-password" value={current} onChange={(event) => setCurrent(event.target.value)} />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(event) => setNext(event.target.value)}
          hint="8 to 1024 characters."
        />
        <TextField label="Repeat the new password" type="password" autoComplete="new-password" value={repeated} onChange={(event) => setRepeated(event.target.value)} error={error ?? undefined} />
        <div>
          <Button type="submit" busy={change.isPending}>
            Change password
          </Button>
        </div>
      </form>
    </Card>
  );
}
