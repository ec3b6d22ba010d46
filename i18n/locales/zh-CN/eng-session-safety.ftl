# A retired refresh token of this computer's sign-in was used again after it had been replaced
# (a copy is in someone else's hands): the server ended the sign-in.
eng-net-signed-out-for-safety = 为安全起见，已在这台电脑上退出登录：登录凭据在别处被使用过。请重新登录——尚未发送的修改仍保存在这台电脑上
